import logging

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, NoResultFound, SQLAlchemyError
from sqlalchemy.orm import Session

from .models import Product, StockLevel

log = logging.getLogger(__name__)


def product_by_sku(session: Session, sku: str) -> Product:
    stmt = select(Product).where(Product.sku == sku)
    # expect: sqlalchemy-one-no-result confidence=likely
    return session.execute(stmt).scalar_one()


def product_by_id(session: Session, product_id: int):
    # expect: sqlalchemy-one-no-result confidence=likely
    return session.query(Product).filter(Product.id == product_id).one()


def find_product(session: Session, sku: str):
    stmt = select(Product).where(Product.sku == sku)
    # expect-not: sqlalchemy-one-no-result
    return session.execute(stmt).scalar_one_or_none()


def stock_for(session: Session, product_id: int) -> int:
    try:
        # expect-not: sqlalchemy-one-no-result
        level = session.scalars(
            select(StockLevel).where(StockLevel.product_id == product_id)
        ).one()
    except NoResultFound:
        return 0
    return level.quantity


def product_count(session: Session) -> int:
    stmt = select(func.count(Product.id))
    # expect-not: sqlalchemy-one-no-result
    return session.execute(stmt).scalar_one()


def add_product(session: Session, sku: str, name: str) -> bool:
    session.add(Product(sku=sku, name=name))
    try:
        # expect: sqlalchemy-commit-without-rollback confidence=likely
        session.commit()
    except IntegrityError:
        log.warning("duplicate sku %s", sku)
        return False
    return True


def rename_product(session: Session, product: Product, name: str) -> bool:
    product.name = name
    try:
        # expect-not: sqlalchemy-commit-without-rollback
        session.commit()
    except SQLAlchemyError:
        session.rollback()
        log.exception("rename failed")
        return False
    return True


def set_stock(session: Session, level: StockLevel, quantity: int) -> None:
    level.quantity = quantity
    try:
        # expect-not: sqlalchemy-commit-without-rollback
        session.commit()
    except IntegrityError as error:
        log.error("stock update failed: %s", error)
        raise


def restock(session: Session, level: StockLevel, amount: int) -> None:
    try:
        level.quantity += amount
        # expect-not: sqlalchemy-commit-without-rollback
        session.commit()
    finally:
        log.info("restock attempted for %s", level.product_id)


def bulk_import(engine, rows):
    with Session(engine) as session:
        try:
            session.add_all([Product(sku=sku, name=name) for sku, name in rows])
            # expect-not: sqlalchemy-commit-without-rollback
            session.commit()
        except IntegrityError:
            log.warning("import had duplicates")


def parse_quantity(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        return 0
