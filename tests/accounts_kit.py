"""The one account factory of the tests: a portfolio row (the CSV's columns, as text) for a named
preset with keyword changes, as a dict (to write a file or post to the bank API) or parsed (to
upsert through the store). Every kit and test builds its accounts here."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from debt.portfolio import AccountRow, parse_account_row

# The collectors' tests' CNY card (loop_seed): overdue since 2026-02-01, 5000.00 owed.
CN_CARD = MappingProxyType({
    "account_ref": "A-1", "customer_name": "Li Wei", "date_of_birth": "1985-04-12",
    "national_id_last4": "1234", "phone": "+8613812345678", "locale": "en",
    "timezone": "Asia/Shanghai", "currency": "CNY", "product": "card", "credit_limit": "20000",
    "balance": "5000.00", "minimum_due": "500.00", "overdue_amount": "800.00",
    "oldest_due_date": "2026-02-01", "fees_charged": "25", "interest_charged": "12.50",
    "last_payment_date": "", "last_payment_amount": "", "status": "open",
})
# The same card as the bank's sample file names it (CN-0001, zh-CN), without fees: the import tests'.
CN_FILE = MappingProxyType({
    **CN_CARD, "account_ref": "CN-0001", "locale": "zh-CN", "fees_charged": "0", "interest_charged": "0",
})
# An anonymous CNY card for tests that make accounts by the thousand and set the amounts themselves.
CN_PLAIN = MappingProxyType({
    **CN_CARD, "customer_name": "X", "date_of_birth": "1980-01-01", "timezone": "", "credit_limit": "1000",
    "balance": "1000", "minimum_due": "10", "fees_charged": "0", "interest_charged": "0",
})
# The flow, end-to-end and fault tests' GBP card (flows_kit): overdue since 2026-01-15, 2400.00 owed.
GB_CARD = MappingProxyType({
    "account_ref": "UK-0001", "customer_name": "Alice Example", "date_of_birth": "1985-04-12",
    "national_id_last4": "1234", "phone": "+447911123456", "locale": "en-GB", "timezone": "Europe/London",
    "currency": "GBP", "product": "card", "credit_limit": "5000", "balance": "2400.00",
    "minimum_due": "150.00", "overdue_amount": "300.00", "oldest_due_date": "2026-01-15",
    "fees_charged": "24.00", "interest_charged": "31.20", "last_payment_date": "", "last_payment_amount": "",
    "status": "open",
})
# The markets' accounts (issue 16): a RUB loan in Moscow, an IDR card in Jakarta, a BRL card in
# São Paulo, each overdue since 2026-02-01 with charges below the policy's cap.
RU_LOAN = MappingProxyType({
    "account_ref": "RU-0001", "customer_name": "Анна Иванова", "date_of_birth": "1985-04-12",
    "national_id_last4": "1234", "phone": "+79123456789", "locale": "ru", "timezone": "Europe/Moscow",
    "currency": "RUB", "product": "loan", "credit_limit": "0", "balance": "60000.00",
    "minimum_due": "10000.00", "overdue_amount": "10000.00", "oldest_due_date": "2026-02-01",
    "fees_charged": "0", "interest_charged": "0", "last_payment_date": "", "last_payment_amount": "",
    "status": "open",
})
ID_CARD = MappingProxyType({
    "account_ref": "ID-0001", "customer_name": "Siti Wijaya", "date_of_birth": "1985-04-12",
    "national_id_last4": "1234", "phone": "+6281234567890", "locale": "id", "timezone": "Asia/Jakarta",
    "currency": "IDR", "product": "card", "credit_limit": "20000000", "balance": "12000000",
    "minimum_due": "1500000", "overdue_amount": "1500000", "oldest_due_date": "2026-02-01",
    "fees_charged": "0", "interest_charged": "0", "last_payment_date": "", "last_payment_amount": "",
    "status": "open",
})
BR_CARD = MappingProxyType({
    "account_ref": "BR-0001", "customer_name": "Ana Silva", "date_of_birth": "1985-04-12",
    "national_id_last4": "1234", "phone": "+5511961234567", "locale": "pt-BR",
    "timezone": "America/Sao_Paulo", "currency": "BRL", "product": "card", "credit_limit": "5000",
    "balance": "2000.00", "minimum_due": "300.00", "overdue_amount": "300.00",
    "oldest_due_date": "2026-02-01", "fees_charged": "0", "interest_charged": "0",
    "last_payment_date": "", "last_payment_amount": "", "status": "open",
})
PRESETS: Mapping[str, Mapping[str, str]] = {
    "cn": CN_CARD, "cn-file": CN_FILE, "cn-plain": CN_PLAIN, "gb": GB_CARD,
    "ru": RU_LOAN, "id": ID_CARD, "br": BR_CARD,
}


def account_dict(preset: str, *layers: Mapping[str, str], **changes: str) -> dict[str, str]:
    """The preset's row with each layer (e.g. a person's data) and then the changes laid over it."""
    row = dict(PRESETS[preset])
    for layer in layers:
        row.update(layer)
    row.update(changes)
    return row


def account_row(preset: str, *layers: Mapping[str, str], **changes: str) -> AccountRow:
    """account_dict parsed as the importer parses a portfolio line."""
    return parse_account_row(account_dict(preset, *layers, **changes))


def person(i: int) -> dict[str, str]:
    """The fault tests' i-th account holder: what must never show in a log or to a stranger."""
    return {
        "account_ref": f"UK-F{i:03d}",
        "customer_name": f"Wilhelmina Quarrington{i}",
        "date_of_birth": f"19{71 + i}-0{1 + i % 9}-2{i % 8}",
        "national_id_last4": f"{8642 + i}",
        "phone": f"+4479117{i:05d}",
    }
