"""Inference: replica sizing, a roofline time model and the energy of one request.

Method: method.md "Inference". Prefill is compute-bound (2 x active parameters x input tokens
FLOP at peak FLOP/s x efficiency); each decode step is bound by the larger of memory traffic
(weights read once for the batch plus every request's KV cache, at bandwidth x efficiency) and
compute. Replica sizing follows EcoLogits (weights x overhead over usable memory, rounded up to a
power of two for tensor parallelism). The efficiency constants are sourced factors.
"""

from __future__ import annotations

from lca import xp
from lca.units import J_PER_KWH
from lca.xp import Array


def weight_bytes(parameters: Array, bytes_per_parameter: Array) -> Array:
    """Memory taken by the weights (bytes)."""
    return parameters * bytes_per_parameter


def replica_accelerators(weights: Array, overhead: Array, kv_cache: Array, memory: Array,
                         usable: Array) -> Array:
    """Accelerators in one replica, rounded up to a power of two (tensor-parallel degrees are):
    enough usable memory for the weights with EcoLogits' headroom (weights x overhead), and for
    the weights beside the KV cache of the batch the replica serves, whichever is more. Sizing
    for the batch keeps a larger model from looking cheaper when its weights alone would tip it
    onto a larger replica that then holds a larger batch."""
    needed = xp.ceil(xp.maximum(weights * overhead, weights + kv_cache) / (memory * usable))
    return xp.exp2(xp.ceil(xp.log2(xp.maximum(needed, 1.0))))


# The KV-cache coefficient (constants.kv_bytes_coefficient) was fitted on 16-bit caches.
KV_FIT_BYTES_PER_VALUE = 2.0  # byte


def kv_bytes_per_token_estimate(parameters: Array, coefficient: Array, kv_bytes_per_value: Array
                                ) -> Array:
    """KV-cache bytes per token when the attention shape is unknown: coefficient x sqrt(params),
    scaled from the 16-bit cache the coefficient was fitted on."""
    return coefficient * xp.sqrt(parameters) * (kv_bytes_per_value / KV_FIT_BYTES_PER_VALUE)


def kv_bytes_per_token(layers: Array, kv_heads: Array, head_dim: Array, kv_bytes_per_value: Array
                       ) -> Array:
    """KV-cache bytes per token of context: keys and values of every layer and KV head."""
    return 2.0 * layers * kv_heads * head_dim * kv_bytes_per_value


def latent_kv_bytes_per_token(layers: Array, latent_rank: Array, rope_dim: Array,
                              kv_bytes_per_value: Array) -> Array:
    """KV-cache bytes per token of multi-head latent attention (DeepSeek-V2/V3): one compressed
    latent plus one rotary key per layer."""
    return layers * (latent_rank + rope_dim) * kv_bytes_per_value


def mean_context(input_tokens: Array, output_tokens: Array) -> Array:
    """Average tokens held in a request's KV cache over its decode steps."""
    return input_tokens + output_tokens / 2.0


def max_batch(accelerators: Array, memory: Array, usable: Array, weights: Array,
              kv_per_token: Array, context: Array) -> Array:
    """Largest batch whose KV caches fit beside the weights in the replica's usable memory (the
    usable fraction already reserves room for activations); at least 1."""
    free = accelerators * memory * usable - weights
    return xp.maximum(xp.floor(free / (kv_per_token * context)), 1.0)


def weight_read_fraction(parameters: Array, active_parameters: Array, batch: Array) -> Array:
    """Share of the weights one decode step reads for a batch. Dense models read all of them; a
    mixture of experts reads the experts its batch's tokens route to, approximated as each token
    drawing the active share independently: 1 - (1 - active/total) ** batch."""
    return 1.0 - (1.0 - active_parameters / parameters) ** batch


def prefill_seconds(active_parameters: Array, input_tokens: Array, flops_per_parameter_token: Array,
                    accelerators: Array, peak_flops: Array, efficiency: Array) -> Array:
    """Replica time (s) to process a request's input tokens, compute-bound."""
    flops = flops_per_parameter_token * active_parameters * input_tokens
    return flops / (accelerators * peak_flops * efficiency)


def decode_step_seconds(bytes_read: Array, step_flops: Array, accelerators: Array,
                        bandwidth: Array, bandwidth_efficiency: Array, peak_flops: Array,
                        compute_efficiency: Array) -> Array:
    """Replica time (s) of one decode step: the slower of its memory traffic and its compute."""
    memory_time = bytes_read / (accelerators * bandwidth * bandwidth_efficiency)
    compute_time = step_flops / (accelerators * peak_flops * compute_efficiency)
    return xp.maximum(memory_time, compute_time)


def replica_seconds_per_request(prefill: Array, step: Array, output_tokens: Array, batch: Array
                                ) -> Array:
    """Replica time (s) one request occupies: its prefill plus its share of the batch's steps."""
    return prefill + output_tokens * step / batch


def replica_power(accelerators: Array, power_per_accelerator: Array) -> Array:
    """Power (W) of a replica from the power of one accelerator with its host-server share."""
    return accelerators * power_per_accelerator


def idle_seconds(busy_seconds: Array, fleet_utilization: Array) -> Array:
    """Provisioned-but-idle replica time (s) carried by each busy second at a fleet utilization."""
    return busy_seconds * (1.0 - fleet_utilization) / fleet_utilization


def energy_kwh(seconds: Array, power: Array) -> Array:
    """Energy (kWh) of drawing ``power`` W for ``seconds`` s."""
    return seconds * power / J_PER_KWH
