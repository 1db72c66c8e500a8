"""The bank API's request and answer shapes (pydantic), from which FastAPI writes /openapi.json.

An account or payment item has the bank's CSV column names as keys and text values, as a cell
of the file holds them: the checks are the file import's (ops/api_batches.py), so every column
is optional here and a missing one is named in the answer like a missing cell.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from debt.portfolio import ACCOUNT_COLUMNS, AS_OF, PAYMENT_COLUMNS

MAX_ITEMS = 5000  # items a batch; the importer writes batches of this size too
REF_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._/-]*$"


def _item(name: str, columns: tuple[str, ...], doc: str) -> type[BaseModel]:
    fields: dict[str, Any] = {column: (str | None, Field(None, description=f"the file's `{column}` column"))
                              for column in columns}
    return create_model(name, __config__=ConfigDict(extra="forbid"), __doc__=doc, **fields)


AccountItem = _item("AccountItem", (*ACCOUNT_COLUMNS, AS_OF),
                    "One portfolio row: the columns of `debtdesk import accounts`, values as text.")
PaymentItem = _item("PaymentItem", PAYMENT_COLUMNS,
                    "One payment: the columns of `debtdesk import payments`, values as text.")


class AccountBatch(BaseModel):
    accounts: list[AccountItem] = Field(max_length=MAX_ITEMS)  # type: ignore[valid-type]


class PaymentBatch(BaseModel):
    payments: list[PaymentItem] = Field(max_length=MAX_ITEMS)  # type: ignore[valid-type]


class ContactRefusal(BaseModel):
    """The debtor's refusal of contact: true records it (nothing unprompted is sent, the queue
    leaves the account out), false withdraws it."""

    model_config = ConfigDict(extra="forbid")
    refused: bool


class ContactRefusalAnswer(BaseModel):
    account_ref: str
    refused: bool
    changed: bool


class ItemProblem(BaseModel):
    index: int = Field(description="the item's place in the batch, from 0")
    column: str
    reason: str = Field(description="why; never quotes a name, birth date, ID digits or phone")


class BatchAnswer(BaseModel):
    received: int
    changed: int = Field(description="items new or different from what was held, written")
    unchanged: int = Field(description="good items identical to what was held")
    rejected: list[ItemProblem] = Field(description="one entry a problem; an item may have several")
    notes: list[ItemProblem] = Field(description="items written with a remark (a payment left a credit)")


class QueueEntry(BaseModel):
    rank: int
    account_ref: str
    reason: str = Field(description="broken_promise | overdue")
    priority: str
    stage: str
    dpd: int
    overdue: str
    currency: str
    broken_in_row: int
    days_since_contact: int


class QueuePage(BaseModel):
    as_of: str
    accounts: list[QueueEntry]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page; null on the last")


class Promise(BaseModel):
    id: int
    account_ref: str
    arrangement_id: int | None
    amount: str
    currency: str
    due_date: str
    status: str
    paid_amount: str
    source: str
    created_at: str
    resolved_at: str | None


class PromisePage(BaseModel):
    promises: list[Promise]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page; null on the last")


class LinksRequest(BaseModel):
    refs: list[str] = Field(min_length=1, max_length=1000, description="account references")
    expires_days: int = Field(30, ge=1, le=365, description="days a link stays valid")


class Link(BaseModel):
    account_ref: str
    phone: str
    link: str


class LinksAnswer(BaseModel):
    links: list[Link]


class Detail(BaseModel):
    detail: str
