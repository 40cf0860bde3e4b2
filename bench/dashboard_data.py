"""Bulk data for bench/dashboard.py: merchants by plain SQL, orders and postings by COPY."""
from __future__ import annotations

import datetime as dt
import json

# Of every 100 orders: posted (with a posting), failed (with an error code), open, skipped.
STATES = [("posted", 88), ("failed", 6), ("open", 4), ("skipped", 2)]
ERRORS = [("VAT_NOT_MAPPED", "No VAT code and revenue account set for 21.00 %."),
          ("TOTAL_MISMATCH", "The order total does not equal its lines."),
          ("DUPLICATE_REFERENCE", "This order number is already booked in the administration."),
          ("VIES_INVALID", "The customer's VAT number is not valid according to VIES.")]
PAYLOAD = json.dumps({"lines": [{"sku": "TSHIRT-RED-M", "quantity": 2, "price": "19.95", "vat": "21"}] * 3,
                      "customer": {"name": "A. Customer", "email": "customer@example.test"}})
SPAN_DAYS = 730  # the orders are spread over two years, newest now


def add_merchants(conn, count: int) -> None:
    """``count`` more tenants, each with a source and a target connection (plain SQL, no logins)."""
    conn.execute("""INSERT INTO tenants (name, email, country, language, shop_system, accounting_system,
                        install_token, licence_key, created_at)
                    SELECT 'Bench ' || g, 'bench' || g || '@example.test', 'BE', 'nl', 'kmoshops', 'exact_online',
                           md5('install' || g), md5('licence' || g), now()
                    FROM generate_series(1, %s) g""", (count,))
    conn.execute("""INSERT INTO connections (tenant_id, role, system, settings, webhook_token, status,
                        created_at, updated_at)
                    SELECT t.id, r.role, r.system, '{}', md5(r.role || t.id), 'connected', now(), now()
                    FROM tenants t CROSS JOIN (VALUES ('source', 'kmoshops'), ('target', 'exact_online')) r(role, system)
                    WHERE NOT EXISTS (SELECT 1 FROM connections c WHERE c.tenant_id = t.id)""")


def connections_by_tenant(conn) -> list[tuple[int, int, int]]:
    """(tenant id, source id, target id) of every tenant, oldest tenant first."""
    return conn.execute("""SELECT tenant_id, max(id) FILTER (WHERE role = 'source'), max(id) FILTER (WHERE role = 'target')
                           FROM connections GROUP BY tenant_id ORDER BY tenant_id""").fetchall()


def state_of(i: int) -> str:
    slot = (i * 2654435761 % 2**32) % 100  # spread the states through time and merchants, not in blocks
    for state, share in STATES:
        if slot < share:
            return state
        slot -= share
    return "posted"


def order_rows(tenants: list[tuple[int, int, int]], per_big: int, total: int):
    """Tab-separated COPY lines of orders and postings: the first tenant gets ``per_big``, the rest share."""
    now = dt.datetime.now(dt.timezone.utc)
    others, stride = tenants[1:] or tenants, max(1, total // max(1, per_big))
    for i in range(1, total + 1):
        tenant, source, target = tenants[0] if i % stride == 0 else others[i % len(others)]
        created = now - dt.timedelta(seconds=SPAN_DAYS * 86400 * (total - i) / total)
        state, number = state_of(i), f"KMO-{i:07d}"
        code, message = ERRORS[i % len(ERRORS)] if state == "failed" else ("\\N", "\\N")
        order = (f"{i}\t{tenant}\t{source}\t{i}\t{number}\tpaid\t{created.date()}\tCustomer {i % 5000}\t"
                 f"{(i % 900) + 9.95:.2f}\tEUR\t{PAYLOAD}\t{state}\t{code}\t{message}\t{created}\t{created}\n")
        posting = (f"{tenant}\t{i}\t{target}\t{number}\tsales_invoice\tposted\t1\t{i:032x}\t{i}\t{created}\t"
                   f"{created}\t{created}\n") if state == "posted" else None
        yield order, posting


def copy_orders(conn, tenants, per_big: int, total: int) -> None:
    """COPY the orders and their postings, then move the id sequence past them."""
    columns = ("id, tenant_id, connection_id, shop_order_id, number, shop_status, order_date, customer_name, total, "
               "currency, payload, state, error_code, error_message, created_at, updated_at")
    posting_columns = ("tenant_id, order_id, target_connection_id, reference, document_type, state, attempts, "
                       "remote_id, remote_number, posted_at, created_at, updated_at")
    with conn.cursor().copy(f"COPY orders ({columns}) FROM STDIN") as copy:
        for order, _ in order_rows(tenants, per_big, total):
            copy.write(order)
    with conn.cursor().copy(f"COPY postings ({posting_columns}) FROM STDIN") as copy:
        for _, posting in order_rows(tenants, per_big, total):  # generated again: cheaper than holding them
            if posting:
                copy.write(posting)
    conn.execute("SELECT setval(pg_get_serial_sequence('orders', 'id'), (SELECT max(id) FROM orders))")
