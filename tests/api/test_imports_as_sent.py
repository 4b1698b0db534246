"""The imports read the files as users have them: emissions.csv as text/csv, a model card as
text/markdown, with the same answers as the JSON wrapper and the same limits."""

from __future__ import annotations

from pathlib import Path

import pytest

from .test_errors import assert_problem, fields

FIXTURES = Path(__file__).parents[1] / "fixtures" / "interchange"
README = (FIXTURES / "README.md").read_text()
EMISSIONS_CSV = (FIXTURES / "emissions.csv").read_text()
HUGGINGFACE, CODECARBON = "/v1/imports/huggingface", "/v1/imports/codecarbon"


def test_the_csv_file_itself_gives_what_its_json_wrapper_gives(client):
    sent = client.post(CODECARBON, data=EMISSIONS_CSV, content_type="text/csv")
    assert sent.status_code == 200, sent.json
    assert sent.json == client.post(CODECARBON, json={"csv": EMISSIONS_CSV}).json


def test_a_charset_parameter_and_a_byte_order_mark_are_read(client):
    sent = client.post(CODECARBON, data=("\ufeff" + EMISSIONS_CSV).encode(),
                       content_type="text/csv; charset=utf-8")
    assert sent.status_code == 200, sent.json


def test_the_model_card_itself_gives_what_its_json_wrapper_gives(client):
    sent = client.post(HUGGINGFACE, data=README, content_type="text/markdown")
    assert sent.status_code == 200, sent.json
    assert sent.json == client.post(HUGGINGFACE, json={"card": README}).json


def test_a_bad_csv_row_is_reported_with_its_line_and_why(client):
    header, first, *_ = EMISSIONS_CSV.splitlines()
    columns = header.split(",")
    bad = first.split(",")
    bad[columns.index("energy_consumed")] = "lots"
    text = "\n".join([header, first, ",".join(bad)]) + "\n"
    body = assert_problem(client.post(CODECARBON, data=text, content_type="text/csv"), 422)
    assert fields(body)["csv.energy_consumed"] == "line 3: 'lots' is not a finite number >= 0"


def test_a_card_without_emissions_is_a_422(client):
    body = assert_problem(client.post(HUGGINGFACE, data="# A model\n",
                                      content_type="text/markdown"), 422)
    assert "card" in fields(body)


def test_text_that_is_not_utf8_is_a_400(client):
    body = assert_problem(client.post(CODECARBON, data=b"energy_consumed\n\xff\xfe\n",
                                      content_type="text/csv"), 400)
    assert "UTF-8" in body["detail"]


def test_the_body_limits_hold_for_text(client):
    assert_problem(client.post(CODECARBON, data="a" * (3 * 1024 * 1024),
                               content_type="text/csv"), 422)
    assert_problem(client.post(CODECARBON, data="a" * (5 * 1024 * 1024),
                               content_type="text/csv"), 413)


@pytest.mark.parametrize(("url", "content_type"), [
    ("/v1/estimates", "text/csv"), ("/v1/estimates/batch", "text/csv"),
    (CODECARBON, "text/markdown"), (HUGGINGFACE, "text/csv")])
def test_a_text_type_is_read_only_where_it_is_the_operations_file(client, url, content_type):
    body = assert_problem(client.post(url, data=EMISSIONS_CSV, content_type=content_type), 415)
    assert content_type not in body["detail"]


def test_the_415_of_an_import_names_its_text_type(client):
    body = assert_problem(client.post(CODECARBON, data="x", content_type="text/plain"), 415)
    assert body["detail"] == "send the body as application/json or text/csv"


def test_the_document_lists_the_text_types(client):
    paths = client.get("/openapi.json").json["paths"]
    for url, media, form in ((CODECARBON, "text/csv", "codecarbon-csv"),
                             (HUGGINGFACE, "text/markdown", "model-card")):
        content = paths[url]["post"]["requestBody"]["content"]
        assert set(content) == {"application/json", media}
        assert content[media]["schema"]["format"] == form
        assert content[media]["schema"]["maxLength"] == 2 * 1024 * 1024
