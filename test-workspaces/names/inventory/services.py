"""Operations on items: auditing, transfers, lookups."""

import logging
from datetime import datetime

# models is still initialising when it imports this module: `Item` comes later there.
# expect: circular-import confidence=definite
from .models import Item

logger = logging.getLogger(__name__)
_AUDIT_TRAIL = []


def audit_log(message):
    stamp = datetime.now().isoformat(timespec="seconds")
    _AUDIT_TRAIL.append((stamp, message))
    logger.info("%s %s", stamp, message)


def build_report(warehouse):
    # Imported here on purpose: reports imports services at module level.
    from .reports import stock_summary

    return stock_summary(warehouse)


def find_item(items, sku):
    for item in items:
        if item.sku == sku:
            found = item
            break
    return found  # expect: possibly-unbound confidence=likely


def find_item_or_none(items, sku):
    for item in items:
        if item.sku == sku:
            found = item
            break
    else:
        found = None
    return found  # expect-not: possibly-unbound


def make_placeholder(sku):
    return Item(sku=sku, name="(unknown)", price=0.0)


def transfer(source, target, sku, amount):
    item = source.items.get(sku)
    if item is None:
        raise KeyError(sku)
    if amount > item.quantity:
        moved = item.quantity
    else:
        moved = amount
    item.quantity -= moved
    target.add(item)
    audit_log(f"moved {moved} of {sku} from {source.code} to {target.code}")
    return moved  # expect-not: possibly-unbound


if __name__ == "__main__":
    print(find_item([], "A-100"))
