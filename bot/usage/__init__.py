"""Usage: the ledger of every model call, budgets, and the reports built on them (DESIGN §5.4)."""
