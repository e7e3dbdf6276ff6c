"""Validation of what a visitor puts in the URL, before any upstream call.

A bad value gets a 400 with a message naming the parameter; nothing is
passed on to the API blindly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.http import QueryDict

from orders.client import is_safe_id

ORDER_SORTS = {
    "-date": "Newest first",
    "date": "Oldest first",
    "name": "Name A–Z",
    "-name": "Name Z–A",
}
DEFAULT_ORDER_SORT = "-date"
PAGE_SIZES = (5, 10, 15)
DEFAULT_PAGE_SIZE = 15

IMAGE_SORTS = {
    "": "Upload order",
    "name": "Name A–Z",
    "-name": "Name Z–A",
    "date_added": "Oldest added",
    "-date_added": "Newest added",
}
IMAGE_STATUSES = {
    "": "All statuses",
    "processed": "Processed",
    "processing": "Processing",
    "waiting": "Waiting",
    "error": "Error",
}
IMAGE_BATCH = 48
MAX_IMAGE_START = 100_000

# Tokens are opaque, but a real one is short printable ASCII; anything longer or
# stranger is refused here rather than forwarded.
_TOKEN = re.compile(r"[\x21-\x7e ]{1,512}")


class InvalidParams(ValueError):
    pass


def _first_error(form: forms.Form) -> str:
    name, errors = next(iter(form.errors.items()))
    return f"{name}: {errors[0]}"


def _choice(options: dict[str, str], noun: str) -> forms.ChoiceField:
    """An optional choice whose error lists what would have been accepted."""
    accepted = ", ".join(value for value in options if value)
    return forms.ChoiceField(
        required=False,
        choices=[("", ""), *((k, v) for k, v in options.items() if k)],
        error_messages={"invalid_choice": f"%(value)s is not {noun}; use one of {accepted}."},
    )


class _OrderListForm(forms.Form):
    q = forms.CharField(required=False, max_length=100)
    sort = _choice(ORDER_SORTS, "a sort")
    per_page = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=DEFAULT_PAGE_SIZE,
        choices=[(n, n) for n in PAGE_SIZES],
        error_messages={"invalid_choice": "%(value)s is not a page size; use 5, 10 or 15."},
    )
    offset = forms.CharField(required=False, strip=False, max_length=512)

    def clean_offset(self) -> str:
        token = self.cleaned_data["offset"]
        if token and not _TOKEN.fullmatch(token):
            raise forms.ValidationError("this is not a page token from this dashboard.")
        return token


@dataclass(frozen=True)
class OrderListParams:
    q: str = ""
    sort: str = DEFAULT_ORDER_SORT
    per_page: int = DEFAULT_PAGE_SIZE
    offset: str = ""

    @classmethod
    def from_query(cls, query: QueryDict) -> OrderListParams:
        form = _OrderListForm(query)
        if not form.is_valid():
            raise InvalidParams(_first_error(form))
        data = form.cleaned_data
        return cls(
            q=data["q"],
            sort=data["sort"] or DEFAULT_ORDER_SORT,
            per_page=data["per_page"],
            offset=data["offset"],
        )

    def query(self, **changes: object) -> str:
        """The view's query string, defaults left out so links stay short."""
        values = {"q": self.q, "sort": self.sort, "per_page": self.per_page, "offset": self.offset}
        values.update(changes)
        kept = {
            key: value
            for key, value in values.items()
            if value
            and not (key == "sort" and value == DEFAULT_ORDER_SORT)
            and not (key == "per_page" and value == DEFAULT_PAGE_SIZE)
        }
        return urlencode(kept)


class _ImageListForm(forms.Form):
    status = _choice(IMAGE_STATUSES, "a status")
    sort = _choice(IMAGE_SORTS, "an image sort")
    start = forms.IntegerField(required=False, min_value=0, max_value=MAX_IMAGE_START)


@dataclass(frozen=True)
class ImageListParams:
    status: str = ""
    sort: str = ""
    start: int = 0

    @classmethod
    def from_query(cls, query: QueryDict) -> ImageListParams:
        form = _ImageListForm(query)
        if not form.is_valid():
            raise InvalidParams(_first_error(form))
        data = form.cleaned_data
        return cls(status=data["status"], sort=data["sort"], start=data["start"] or 0)

    def query(self, **changes: object) -> str:
        values = {"status": self.status, "sort": self.sort, "start": self.start}
        values.update(changes)
        return urlencode({key: value for key, value in values.items() if value})


def check_id(value: str, kind: str) -> str:
    if not is_safe_id(value):
        raise InvalidParams(f"{kind} id: {value[:80]!r} is not a valid id.")
    return value


_ORDER_IN_URL = re.compile(r"/orders/([^/?#\s]+)")


def order_id_from_input(text: str) -> str:
    """An order id, typed or pasted, or found in a pasted dashboard link."""
    text = text.strip()
    if not text:
        raise InvalidParams("Enter an order id or paste a link to an order.")
    match = _ORDER_IN_URL.search(text)
    candidate = match.group(1) if match else text
    if not is_safe_id(candidate):
        raise InvalidParams(f"{text[:80]!r} is not an order id or a link to an order.")
    return candidate
