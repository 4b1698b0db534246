"""The indicators with their canonical units, and the names a profile chooses among:
precisions, energy scopes, accounting bases, tasks, serving stacks and the stages of a boundary.
"""

from __future__ import annotations

INDICATORS = ("energy", "gwp", "water", "adpe", "pe")
EMBODIED_INDICATORS = ("gwp", "water", "adpe", "pe")
CANONICAL_UNITS = {"energy": "kWh", "gwp": "kgCO2e", "water": "L", "adpe": "kgSbeq", "pe": "MJ"}
PRECISIONS = ("fp32", "bf16", "fp16", "fp8", "int8", "int4")
ENERGY_SCOPES = ("it", "facility")
ACCOUNTING = ("location", "market")  # GHG Protocol Scope 2 bases; gwp follows the chosen one
TASKS = ("chat", "reasoning", "code", "summarization", "rag", "classification")
DEFAULT_TASK = "chat"
SERVING = ("optimized", "eager")  # serving stacks: CUDA-graph server, plain framework
WORKLOADS = ("training", "evaluation")  # what a job accounted by accelerator-hours ran
MAX_NAME_LENGTH = 200

STAGES = ("electricity", "hardware", "datacenter_building", "network_storage",
          "end_user_device", "network_transfer")
"""The stages a boundary may hold: electricity (with cooling water) and the hardware's
manufacturing always; the others as the profile's boundary says (docs/boundary.md)."""
BOUNDARIES = {
    "frugal-ai": STAGES[:4],
    "electricity-and-chips": STAGES[:2],
}
"""The named boundaries: the AFNOR Spec 2314 "Frugal AI" scope of a data-centre service, and
the scope of tools that stop at electricity and chips (the boundary of factor set 2026.1)."""
STAGE_INDICATORS = {"datacenter_building": ("gwp",), "network_storage": INDICATORS,
                    "end_user_device": INDICATORS, "network_transfer": INDICATORS}
"""The indicators each optional stage reports (the building: greenhouse gases only, for want
of sourced per-kW figures of the others)."""
