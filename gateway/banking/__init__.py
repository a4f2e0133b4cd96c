"""The bank interface and its built-in ledger.

| Module | Holds |
|---|---|
| `interface.py` | the `Bank` Protocol and its frozen records (no I/O): what handlers import |
| `products.py` | loan products from `menus/products.yaml`, `check_products(path)` |
| `schedule.py` | exact instalment schedules (pure; the rounding rule is in its docstring) |
| `pins.py`, `access.py` | which PINs are too weak; activation codes and SMS banking (rules, records) |
| `db.py`, `models.py`, `migrations/` | engines with bounded timeouts, tables, `migrations.upgrade(url)` |
| `ledger.py`, `lending.py`, `customer_access.py`, `store.py`, `records.py` | `SqlBank(engine)`, built in |
| `demo.py` | `seed(bank, now)`, `seed_database(url)`, `DEMO_CUSTOMERS` |

Only the interface is re-exported here, so importing it never pulls in SQLAlchemy.
"""

from gateway.banking.interface import (
    ActivationCheck,
    ActivationOutcome,
    ApplicationStatus,
    Bank,
    BankUnavailable,
    Customer,
    DueInstalment,
    Instalment,
    InsufficientFunds,
    Loan,
    LoanApplication,
    LoanProduct,
    LoanStatus,
    LoanSummary,
    NothingDue,
    PinCheck,
    PinOutcome,
    Quote,
    Repayment,
    RepayResult,
    SavingsAccount,
    SavingsTransaction,
)

__all__ = [
    "ActivationCheck",
    "ActivationOutcome",
    "ApplicationStatus",
    "Bank",
    "BankUnavailable",
    "Customer",
    "DueInstalment",
    "Instalment",
    "InsufficientFunds",
    "Loan",
    "LoanApplication",
    "LoanProduct",
    "LoanStatus",
    "LoanSummary",
    "NothingDue",
    "PinCheck",
    "PinOutcome",
    "Quote",
    "RepayResult",
    "Repayment",
    "SavingsAccount",
    "SavingsTransaction",
]
