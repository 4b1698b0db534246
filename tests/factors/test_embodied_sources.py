"""Embodied impacts at node level (factor set 2026.2) against each published source's figure.

Our node = accelerators per server x card + the whole server of the accelerator's class. Its band
runs from every low bound to every high bound (cards: hardware.csv; server: servers.csv). Each
source's node figure must lie in that band, or be carried as a candidate row with its value.
docs/embodied.md tabulates the same figures.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from lca import estimate
from lca.errors import FactorDataError
from lca.factors import FactorSet, load_all, load_factor_set, packaged_root

VERSION = "2026.2"

# id, source, accelerator, node manufacturing kgCO2e (8 accelerators + their server)
NODE_SOURCES = [
    ("bloom", "Luccioni, Viguier, Ligozat 2023 (JMLR 24(253)): HPE Apollo 6500 server 2,500 kg "
     "+ 8 x 150 kg per A100", "nvidia-a100-80gb", 3700.0),
    ("olmo", "Morrison et al. 2025 OLMo (arXiv 2503.05804): 462.5 kg per H100 x 8",
     "nvidia-h100-sxm", 3700.0),
    ("chien-2023", "Chien et al. 2023 HotCarbon: 318 kg per A100 including 1/8 of the instance",
     "nvidia-a100-40gb", 8 * 318.0),
    ("ecologits-pcf", "EcoLogits v0.9.1: NVIDIA HGX H100 PCF 164 kg per GPU x 8 + BoaviztAPI "
     "p5.48xlarge without GPUs 5,700 kg", "nvidia-h100-sxm", 8 * 164.0 + 5700.0),
    ("boavizta", "BoaviztAPI: H100 card 575.2 kg x 8 + p5.48xlarge without GPUs 5,700 kg",
     "nvidia-h100-sxm", 8 * 575.2 + 5700.0),
]


@pytest.fixture(scope="module")
def fs() -> FactorSet:
    return load_all()[VERSION]


def node(fs: FactorSet, accelerator: str, indicator: str = "gwp") -> tuple[float, float, float]:
    """(low, value, high) of a node's manufacturing impact: n x card + whole server."""
    card = fs.get("hardware", accelerator, f"embodied_{indicator}")
    server_class = fs.linked("hardware_servers", accelerator)
    server = fs.get("servers", server_class, f"embodied_{indicator}")
    n = fs.get("servers", server_class, "accelerators_per_server").value
    (card_low, card_high), (server_low, server_high) = card.spread, server.spread
    return (n * card_low + server_low, n * card.value + server.value,
            n * card_high + server_high)


@pytest.mark.parametrize(("source", "accelerator", "figure"),
                         [c[1:] for c in NODE_SOURCES], ids=[c[0] for c in NODE_SOURCES])
def test_published_node_figure_lies_within_our_node_band(fs, source, accelerator, figure):
    low, _, high = node(fs, accelerator)
    assert low <= figure <= high, source


def test_llmcarbon_node_below_our_band_is_carried_as_a_server_candidate(fs):
    # LLMCarbon counts dies only (8 V100 x 9.78 kg + host 828 kg = 906 kg): below our V100 band.
    low, _, _ = node(fs, "nvidia-v100")
    assert low > 8 * 9.78 + 828.07
    server = fs.get("servers", "dgx-1-8", "embodied_gwp")
    assert any(a.value == pytest.approx(828.07) and "LLMCarbon" in a.source
               for a in server.alternatives)


def test_nvidia_pcf_card_share_is_carried_as_an_h100_card_candidate(fs):
    card = fs.get("hardware", "nvidia-h100-sxm", "embodied_gwp")
    assert any(a.value == 164 and "NVIDIA HGX H100 PCF" in a.source for a in card.alternatives)


def test_h100_node_default_lies_between_whole_node_lcas_and_the_bottom_up_model(fs):
    _, value, _ = node(fs, "nvidia-h100-sxm")
    assert 3700 < value < 8 * 575.2 + 5700
    old = load_all()["2026.1"].tables["hardware"].rows["nvidia-h100-sxm"]
    old_node = 8 * (old["embodied_gwp"].value + old["host_embodied_gwp"].value)
    assert value < 0.75 * old_node


@pytest.mark.parametrize("accelerator", ["nvidia-h100-sxm", "google-tpu-v4", "nvidia-t4"])
def test_host_share_in_an_estimate_is_the_server_figure_over_its_accelerators(fs, accelerator):
    r = estimate({"factors_version": VERSION, "model": "llama-3.1-8b",
                  "training": {"hardware": accelerator, "accelerator_hours": 1000}})
    server_class = fs.linked("hardware_servers", accelerator)
    used = {u["key"]: u for u in r["factors_used"]}
    assert f"servers.{server_class}.embodied_gwp" in used
    assert f"servers.{server_class}.training_host_power" in used
    assert f"hardware.{accelerator}.host_power" not in used  # the inference host power
    n = fs.get("servers", server_class, "accelerators_per_server").value
    per_accelerator = (fs.get("hardware", accelerator, "embodied_gwp").value
                       + fs.get("servers", server_class, "embodied_gwp").value / n)
    lifetime_h = fs.constant("hardware_lifetime").value
    assert r["training"]["embodied"]["gwp"]["value"] == pytest.approx(
        per_accelerator * 1000 / lifetime_h)


def test_pinned_2026_1_still_reads_the_host_rows_of_the_accelerator():
    r = estimate({"factors_version": "2026.1", "model": "llama-3.1-8b",
                  "training": {"hardware": "nvidia-h100-sxm", "accelerator_hours": 1000}})
    used = {u["key"] for u in r["factors_used"]}
    assert "hardware.nvidia-h100-sxm.host_embodied_gwp" in used
    assert not any(k.startswith("servers.") for k in used)


# -- the loader's rules for the server classes ------------------------------------------------

@pytest.fixture()
def root(tmp_path: Path) -> Path:
    shutil.copytree(packaged_root() / VERSION, tmp_path / VERSION)
    return tmp_path


def _edit(root: Path, file: str, old: str, new: str) -> None:
    path = root / VERSION / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.mark.parametrize(("file", "old", "new", "message"), [
    pytest.param("hardware_servers.csv", "nvidia-t4,pcie-4,", "nvidia-t4,pcie-5,",
                 "unknown rows ['nvidia-t4']", id="link to an unknown class"),
    pytest.param("hardware_servers.csv", "nvidia-t4,pcie-4,", "nvidia-zz,pcie-4,",
                 "rows without a link ['nvidia-t4']", id="accelerator without a class"),
    pytest.param("servers.csv", "pcie-4,4-GPU PCIe inference server (T4),"
                 "accelerators_per_server,4,", "pcie-4,4-GPU PCIe inference server (T4),"
                 "accelerators_per_server,8,", "class 'pcie-4' of 'nvidia-t4'",
                 id="class holding another number of accelerators"),
    pytest.param("hardware_servers.csv", "nvidia-t4,pcie-4,AWS g4dn.12xlarge: 4 x T4 (2026.1 "
                 "hardware.csv accelerators_per_server 4)", "nvidia-t4,pcie-4,",
                 "key, target and source are required", id="link without a source"),
])
def test_loader_rejects_a_broken_server_class(root, file, old, new, message):
    _edit(root, file, old, new)
    with pytest.raises(FactorDataError, match=re.escape(message)):
        load_factor_set.__wrapped__(root, VERSION)
