"""How the model is run: over many profiles at once (batch, table, columns) and over Monte Carlo
samples (montecarlo). The formulas are lca.model's; an engine only decides what arrays they see."""
