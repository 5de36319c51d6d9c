"""Billing models: line items, invoices and a small money type."""
from abc import ABC, abstractmethod
from dataclasses import dataclass, field


class Money:
    def __init__(self, cents):
        self.cents = cents

    def __add__(self, other):
        return Money(self.cents + other.cents)

    def __repr__(self):
        return f"Money({self.cents})"


class Percent:
    def __init__(self, value):
        self.value = value


@dataclass
class LineItem:
    sku: str
    quantity: int
    unit_price: float = 0.0
    tags: list = field(default_factory=list)

    def total(self):
        return self.quantity * self.unit_price


@dataclass(frozen=True)
class Sku:
    code: str
    region: str = "EU"


class Exporter(ABC):
    @abstractmethod
    def export(self, invoice):
        ...

    @abstractmethod
    def extension(self):
        ...

    def filename(self, invoice):
        return invoice.number + self.extension()


class CsvExporter(Exporter):
    def export(self, invoice):
        return ",".join(str(item.sku) for item in invoice.items)

    def extension(self):
        return ".csv"


class DraftExporter(Exporter):
    def export(self, invoice):
        return "draft"


class Invoice:
    def __init__(self, number, customer, items=None, *, currency="EUR"):
        self.number = number
        self.customer = customer
        self.items = items or []
        self.currency = currency

    def add(self, item):
        self.items.append(item)

    def subtotal(self):
        return sum(item.total() for item in self.items)

    def describe(self, verbose):
        if verbose:
            return f"Invoice {self.number} for {self.customer}"
        return self.number
