"""Names fixed by Koppel's assumed KMO Shops contract (shared reference, sources.md §3.2)."""
from __future__ import annotations

# Bump when the sandbox's behaviour changes, so it can be swapped when the real spec arrives.
CONTRACT = "kmoshops-sim/v0"
TOPICS = ("orders/created", "orders/updated", "orders/status_changed", "orders/cancelled")
USER_AGENT = f"KMOShops-Webhooks/0 ({CONTRACT})"
# Seconds between a failed scheduled attempt and the next: 1 min ... 24 h, about 42 h in all.
RETRY_SCHEDULE = (60, 300, 900, 3600, 14400, 43200, 86400)
DISABLE_AFTER = 20
TIMEOUT = 5.0
