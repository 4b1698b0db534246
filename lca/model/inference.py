"""Inference: replica sizing, a roofline time model and the energy of one request.

Method: docs/method.md, section "Inference" (every formula: docs/inference.md). Prefill is
compute-bound (2 x active parameters x input tokens FLOP at peak FLOP/s x efficiency); each decode
step is bound by the larger of memory traffic (weights read once for the batch plus every request's
KV cache, at bandwidth x efficiency) and compute. Replica sizing follows EcoLogits (weights x
overhead over usable memory, rounded up to a power of two for tensor parallelism). The efficiency
constants are sourced factors.
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


# --- Attention, the per-step floor and communication (docs/inference.md)


def attention_width(active_parameters: Array, layers: Array, aspect_ratio: Array) -> Array:
    """Layers x model width (sum of the attention widths of every layer). With the layer count
    known, a transformer block holds about 12 d^2 parameters (Kaplan et al. 2020), so
    d = sqrt(N / (12 L)) and L d = sqrt(N L / 12); without it, the width is taken as
    ``aspect_ratio`` x layers, so N = 12 d^3 / aspect and L d = d^2 / aspect."""
    known = xp.sqrt(active_parameters * layers / 12.0)
    width = (aspect_ratio * active_parameters / 12.0) ** (1.0 / 3.0)
    return xp.where(xp.isnan(layers), width * width / aspect_ratio, known)


def attention_flops_per_token(layer_width: Array, context: Array, coefficient: Array) -> Array:
    """FLOP of attention for one token attending over ``context`` tokens: coefficient x layers
    x width x context (QK^T and attention x V, 4 L d n_ctx: Chowdhery et al. 2022, app. B)."""
    return coefficient * layer_width * context


def prefill_attention_context(input_tokens: Array) -> Array:
    """Mean context a prompt token attends over in causal prefill: half the prompt."""
    return input_tokens / 2.0


def step_floor(layers: Array, per_layer: Array, default_layers: Array) -> Array:
    """Minimum time (s) of one decode step: framework, scheduler and kernel-launch time per layer
    x layers (the default layer count where the shape is unknown)."""
    return per_layer * xp.where(xp.isnan(layers), default_layers, layers)


def communication_seconds(accelerators: Array, layers: Array, default_layers: Array,
                          latency: Array) -> Array:
    """Time (s) per forward step spent in collectives of a tensor- or expert-parallel replica:
    two collectives per layer (after attention and after the MLP or the experts), each taking
    at least the small-message ``latency``; none on one accelerator."""
    layer_count = xp.where(xp.isnan(layers), default_layers, layers)
    return xp.where(accelerators > 1.0, 2.0 * layer_count * latency, 0.0)


# --- Power that follows load


def utilization(work: Array, seconds: Array, accelerators: Array, peak_rate: Array) -> Array:
    """Share of a replica's peak rate (FLOP/s or byte/s) that ``work`` done in ``seconds`` uses."""
    return work / (seconds * accelerators * peak_rate)


def load_power(idle: Array, peak: Array, bandwidth_use: Array, compute_use: Array,
               bandwidth_slope: Array, compute_slope: Array) -> Array:
    """Accelerator power (W) between its idle and peak power: the dynamic range times
    min(1, bandwidth_slope x memory-bandwidth use + compute_slope x compute use), uses as
    shares of the peaks during the step (fitted on H200 readings, docs/inference.md)."""
    share = xp.minimum(bandwidth_slope * bandwidth_use + compute_slope * compute_use, 1.0)
    return idle + (peak - idle) * share


# --- Deployment from traffic


def replica_capacity(busy_seconds_at_cap: Array) -> Array:
    """Requests per second one replica serves when saturated: 1 / its busy time per request at
    its largest batch."""
    return 1.0 / busy_seconds_at_cap


def replicas_needed(rate: Array, capacity: Array) -> Array:
    """Replicas needed to serve ``rate`` requests/s at ``capacity`` each: ceil(rate / capacity)."""
    return xp.ceil(rate / capacity)


def autoscaled_replicas(needed: Array, low: Array, high: Array) -> Array:
    """Replicas provisioned by an autoscaler: the replicas needed, within [low, high]."""
    return xp.clip(needed, low, high)


def concurrency(rate: Array, latency: Array) -> Array:
    """Requests in flight on a replica by Little's law: arrival rate x time in the system."""
    return rate * latency


def busy_share(rate: Array, busy_seconds: Array) -> Array:
    """Share of a replica's time spent serving: rate x busy time per request, at most 1."""
    return xp.minimum(rate * busy_seconds, 1.0)
