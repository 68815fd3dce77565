"""Generate examples/data/churn.csv, the synthetic customer-churn table the demo notebook loads.

Run once; the CSV is committed so the notebook never depends on this script's numpy version.
    python examples/data/make_churn_csv.py
"""

import csv
import datetime
from pathlib import Path

import numpy as np

ROWS = 2000
SNAPSHOT = datetime.date(2024, 12, 31)
OUT = Path(__file__).with_name("churn.csv")

rng = np.random.default_rng(20240611)

contract = rng.choice(["Month-to-month", "One year", "Two year"], ROWS, p=[0.55, 0.25, 0.20])
max_tenure = np.select([contract == "One year", contract == "Two year"], [60, 72], 36)
tenure = rng.integers(0, max_tenure + 1)
internet = rng.choice(["DSL", "Fiber optic", "No"], ROWS, p=[0.35, 0.45, 0.20])
payment = rng.choice(
    ["Electronic check", "Mailed check", "Bank transfer (automatic)", "Credit card (automatic)"],
    ROWS,
    p=[0.35, 0.20, 0.23, 0.22],
)
base_charge = np.select([internet == "Fiber optic", internet == "DSL"], [75.0, 50.0], 20.0)
monthly = np.round(base_charge * rng.lognormal(0, 0.2, ROWS), 2)
support_calls = rng.poisson(np.where(internet == "Fiber optic", 2.2, 1.2))

# Churn follows the usual story: short tenure, month-to-month, fiber, e-check, many calls.
logit = (
    -1.7
    - 0.045 * tenure
    + 1.3 * (contract == "Month-to-month")
    - 0.9 * (contract == "Two year")
    + 0.7 * (internet == "Fiber optic")
    + 0.5 * (payment == "Electronic check")
    + 0.35 * support_calls
    + 0.012 * (monthly - 60)
)
churn = rng.random(ROWS) < 1 / (1 + np.exp(-logit))

# Messy exports: brand-new customers have a blank total, some rows hold text or thousands separators.
total = monthly * tenure * rng.uniform(0.97, 1.03, ROWS)
mess = rng.random(ROWS)

with OUT.open("w", newline="") as f:
    writer = csv.writer(f, lineterminator="\n")
    writer.writerow(
        [
            "customer_id",
            "signup_date",
            "tenure_months",
            "monthly_charges",
            "total_charges",
            "contract",
            "payment_method",
            "internet_service",
            "support_calls",
            "churn",
        ]
    )
    for i in range(ROWS):
        months_back = int(tenure[i])
        year, month = divmod(SNAPSHOT.year * 12 + SNAPSHOT.month - 1 - months_back, 12)
        signup = datetime.date(year, month + 1, int(rng.integers(1, 29)))
        if tenure[i] == 0 or mess[i] < 0.01:
            total_text = " "
        elif mess[i] < 0.02:
            total_text = "unknown"
        elif mess[i] < 0.04 and total[i] >= 1000:
            total_text = f"{total[i]:,.2f}"
        else:
            total_text = f"{total[i]:.2f}"
        writer.writerow(
            [
                f"CUST-{i + 1:05d}",
                signup.isoformat(),
                months_back,
                f"{monthly[i]:.2f}",
                total_text,
                contract[i],
                payment[i],
                internet[i],
                int(support_calls[i]),
                "Yes" if churn[i] else "No",
            ]
        )
