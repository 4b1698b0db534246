"""The calculation paths of each phase: which input decides its figures.

A path is chosen while a profile is read (lca.reading), from which fields it gives, and reaches
the formulas as a number, so that one vectorised calculation can hold rows of several paths.
Codes are numbered in order of preference; ``*_PATHS[code]`` is the name the estimate reports.
"""

MEASURED_ENERGY, ACCELERATOR_HOURS, COUNT_X_DURATION, COMPUTE = 1.0, 2.0, 3.0, 4.0
TRAINING_PATHS = {
    MEASURED_ENERGY: "measured_energy",
    ACCELERATOR_HOURS: "accelerator_hours",
    COUNT_X_DURATION: "accelerator_count_x_duration",
    COMPUTE: "compute",
}

ROOFLINE, MEASURED_ENERGY_PER_REQUEST, MEASURED_ENERGY_PER_TOKEN, MEASURED_THROUGHPUT = (
    1.0, 2.0, 3.0, 4.0)
INFERENCE_PATHS = {
    ROOFLINE: "roofline",
    MEASURED_ENERGY_PER_REQUEST: "measured_energy_per_request",
    MEASURED_ENERGY_PER_TOKEN: "measured_energy_per_output_token",
    MEASURED_THROUGHPUT: "measured_throughput",
}
