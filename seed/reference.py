"""Reference data: the branch tree, staff, products, channels and collection agencies."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from random import Random

from seed import names
from seed.dates import between


@dataclass(frozen=True)
class Person:
    staff_id: str
    joined_on: date
    left_on: date | None = None
    # Share of planned post-loan work (visits, sampling, checks) the person does on time.
    diligence: float = 0.9
    # Relative number of loans an account officer books.
    productivity: float = 1.0

    def works_on(self, d: date) -> bool:
        return self.joined_on <= d and (self.left_on is None or d <= self.left_on)


@dataclass
class Region:
    """A branch (分行) and the staff who serve all its sub-branches."""

    branch_id: str
    collectors: list[Person] = field(default_factory=list)
    preservers: list[Person] = field(default_factory=list)
    risk_managers: list[Person] = field(default_factory=list)


@dataclass
class SubBranch:
    """A sub-branch (支行): where loans are booked."""

    branch_id: str
    city: str
    district: str
    region_code: str
    region: Region
    post_loan: Person
    officers: list[Person] = field(default_factory=list)

    def caretaker(self, officer: Person, d: date) -> Person:
        """Who does the loan's post-loan work on d: its officer, or after they left the post-loan officer."""
        return officer if officer.works_on(d) else self.post_loan


@dataclass(frozen=True)
class ProductSpec:
    product_id: str
    name: str
    category: str
    method: str
    periodic_check_months: int | None
    terms: tuple[int, ...]
    amount: tuple[int, int]  # yuan
    amount_step: int  # yuan; principals are round numbers
    rate_bp: tuple[int, int]  # annual rate in basis points
    self_share: float  # share of self-payment loans; large loans must be paid to the vendor
    weight: float
    risk: float
    # Rule 12's DPD floors of the product (products.dpd_floors, S/D/L); None: the settings' 90/270/360.
    dpd_floors: str | None = None


@dataclass(frozen=True)
class ChannelSpec:
    channel_id: str
    name: str
    grade: str
    weights: dict[str, float]  # by product category


@dataclass(frozen=True)
class AgencySpec:
    agency_id: str
    name: str
    commission_rate: Decimal
    call_gap: tuple[int, int]  # days between calls on a case
    field_visit_share: float  # weak agencies skip field visits
    weight: float


@dataclass
class Reference:
    tables: dict[str, list[dict]]
    sub_branches: list[SubBranch]
    products: tuple[ProductSpec, ...]
    channels: tuple[ChannelSpec, ...]
    agencies: tuple[AgencySpec, ...]


# (city, ((district of a sub-branch, its region code), ...)): a provincial bank in Zhejiang.
CITIES = (
    ("杭州", (("西湖区", "330106"), ("滨江区", "330108"), ("拱墅区", "330105"), ("萧山区", "330109"))),
    ("宁波", (("海曙区", "330203"), ("鄞州区", "330212"), ("江北区", "330205"), ("北仑区", "330206"))),
    ("温州", (("鹿城区", "330302"), ("瓯海区", "330304"), ("龙湾区", "330303"), ("乐清市", "330382"))),
    ("绍兴", (("越城区", "330602"), ("柯桥区", "330603"), ("上虞区", "330604"), ("诸暨市", "330681"))),
)

PRODUCTS = (
    ProductSpec("P01", "个人消费贷", "consumer", "equal_instalment", None, (12, 24, 36),
                (10_000, 200_000), 1000, (450, 1200), 0.6, 0.32, 1.2),
    ProductSpec("P02", "工薪贷", "consumer", "equal_instalment", None, (12, 24, 36),
                (10_000, 100_000), 1000, (400, 800), 0.7, 0.18, 0.9),
    ProductSpec("P03", "小微企业经营贷", "business", "interest_first", 6, (12, 24, 36),
                (100_000, 1_000_000), 10_000, (385, 650), 0.3, 0.12, 1.0),
    ProductSpec("P04", "个体工商户经营贷", "business", "equal_principal", 3, (6, 12, 24, 36),
                (100_000, 500_000), 10_000, (420, 700), 0.4, 0.10, 1.0),
    ProductSpec("P05", "个人住房贷款（等额本金）", "housing", "equal_principal", 12, (36, 48, 60),
                (200_000, 1_000_000), 10_000, (355, 490), 0.0, 0.08, 0.4),
    ProductSpec("P06", "个人住房贷款（等额本息）", "housing", "equal_instalment", 6, (36, 48, 60),
                (200_000, 1_000_000), 10_000, (355, 490), 0.0, 0.10, 0.4),
    ProductSpec("P07", "流动资金周转贷", "business", "bullet", 3, (6, 9, 12),
                (100_000, 800_000), 10_000, (430, 650), 0.2, 0.10, 1.0),
    # Credit-card instalments: the credit-card rules' floors (Art. 92: 91-120 substandard, 121-180 doubtful,
    # over 180 loss), so the demo shows a product classified by its own floors.
    ProductSpec("P08", "信用卡分期", "consumer", "equal_instalment", None, (6, 12, 24),
                (5_000, 50_000), 1000, (900, 1500), 0.9, 0.06, 1.6, "90/120/180"),
)  # fmt: skip

CHANNELS = (
    ChannelSpec("CH01", "网点柜面进件", "A", {"consumer": 0.15, "business": 0.35, "housing": 0.4}),
    ChannelSpec("CH02", "客户经理营销", "A", {"consumer": 0.15, "business": 0.45, "housing": 0.3}),
    ChannelSpec("CH03", "手机银行", "B", {"consumer": 0.30, "business": 0.05, "housing": 0.0}),
    ChannelSpec("CH04", "微信小程序", "B", {"consumer": 0.15, "business": 0.0, "housing": 0.0}),
    ChannelSpec("CH05", "合作平台（助贷机构）", "C", {"consumer": 0.20, "business": 0.0, "housing": 0.0}),
    ChannelSpec("CH06", "中介推荐", "C", {"consumer": 0.05, "business": 0.15, "housing": 0.3}),
)

AGENCIES = (
    AgencySpec("AG01", "杭州信诚资产管理有限公司", Decimal("0.12"), (3, 6), 0.95, 0.30),
    AgencySpec("AG02", "浙江安信商务咨询有限公司", Decimal("0.15"), (3, 7), 0.90, 0.25),
    AgencySpec("AG03", "上海华催信息科技有限公司", Decimal("0.10"), (4, 8), 0.80, 0.20),
    AgencySpec("AG04", "深圳前海恒通资产管理有限公司", Decimal("0.18"), (2, 5), 1.00, 0.15),
    AgencySpec("AG05", "江苏联合征信服务有限公司", Decimal("0.08"), (7, 15), 0.40, 0.10),
)

# Loans an account officer books over the 36 months, and cases a phone collector works.
LOANS_PER_OFFICER = 500
LOANS_PER_COLLECTOR = 4000
LEAVER_SHARE = 0.07
NEW_HIRE_SHARE = 0.15


class _Hiring:
    """Makes staff rows and the people behind them, numbering staff ids in order."""

    def __init__(self, rng: Random, book_start: date, as_of: date) -> None:
        self.rng = rng
        self.book_start = book_start
        self.as_of = as_of
        self.rows: list[dict] = []

    def hire(self, role: str, branch_id: str, joined_on: date | None = None, **traits: float) -> Person:
        rng = self.rng
        joined_on = joined_on or self.book_start - timedelta(days=rng.randint(60, 3650))
        person = Person(f"S{len(self.rows) + 1:05d}", joined_on, **traits)
        self.rows.append(
            {
                "staff_id": person.staff_id,
                "name": names.person_name(rng, rng.random() < 0.55),
                "role": role,
                "branch_id": branch_id,
                "joined_on": joined_on,
                "left_on": None,
            }
        )
        return person

    def officer(self, branch_id: str) -> Person:
        rng = self.rng
        joined_on = None
        if rng.random() < NEW_HIRE_SHARE:
            joined_on = between(rng, self.book_start + timedelta(days=60), self.as_of - timedelta(days=150))
        return self.hire(
            "account_officer",
            branch_id,
            joined_on,
            diligence=rng.uniform(0.7, 0.98),
            productivity=rng.uniform(0.6, 1.4),
        )

    def let_go(self, person: Person, left_on: date) -> Person:
        index = int(person.staff_id[1:]) - 1
        self.rows[index]["left_on"] = left_on
        return replace(person, left_on=left_on)


def build_reference(rng: Random, n_loans: int, book_start: date, as_of: date) -> Reference:
    hiring = _Hiring(rng, book_start, as_of)
    branches: list[dict] = [{"branch_id": "B00", "name": "总行", "parent_id": None}]
    hiring.hire("manager", "B00")
    for _ in range(2):
        hiring.hire("risk_manager", "B00")

    cities = CITIES[: rng.choice((3, 4))]
    layout = [(city, districts[: rng.randint(2, 4)]) for city, districts in cities]
    n_subs = sum(len(districts) for _, districts in layout)
    officers_per_sub = max(2, round(n_loans / LOANS_PER_OFFICER / n_subs))
    collectors_per_region = max(2, round(n_loans / LOANS_PER_COLLECTOR / len(layout)))

    sub_branches: list[SubBranch] = []
    for r, (city, districts) in enumerate(layout, start=1):
        region_id = f"B{r:02d}"
        branches.append({"branch_id": region_id, "name": f"{city}分行", "parent_id": "B00"})
        hiring.hire("manager", region_id)
        region = Region(
            region_id,
            collectors=[hiring.hire("phone_collector", region_id) for _ in range(collectors_per_region)],
            preservers=[
                hiring.hire("asset_preservation", region_id)
                for _ in range(max(1, collectors_per_region // 2))
            ],
            risk_managers=[hiring.hire("risk_manager", region_id)],
        )
        for s, (district, code) in enumerate(districts, start=1):
            sub_id = f"{region_id}{s:02d}"
            branches.append({"branch_id": sub_id, "name": f"{district[:-1]}支行", "parent_id": region_id})
            hiring.hire("manager", sub_id)
            sub = SubBranch(
                sub_id,
                city + "市",
                district,
                code,
                region,
                post_loan=hiring.hire("post_loan_officer", sub_id, diligence=rng.uniform(0.85, 0.98)),
            )
            sub.officers = [hiring.officer(sub_id) for _ in range(officers_per_sub)]
            sub_branches.append(sub)

    _leavers(rng, hiring, sub_branches, as_of)
    return Reference(
        tables={
            "branches": branches,
            "staff": hiring.rows,
            "products": [
                {
                    "product_id": p.product_id,
                    "name": p.name,
                    "category": p.category,
                    "repayment_method": p.method,
                    "periodic_check_months": p.periodic_check_months,
                    "dpd_floors": p.dpd_floors,
                }
                for p in PRODUCTS
            ],
            "channels": [{"channel_id": c.channel_id, "name": c.name, "grade": c.grade} for c in CHANNELS],
            "agencies": [
                {"agency_id": a.agency_id, "name": a.name, "commission_rate": a.commission_rate}
                for a in AGENCIES
            ],
        },
        sub_branches=sub_branches,
        products=PRODUCTS,
        channels=CHANNELS,
        agencies=AGENCIES,
    )


def _leavers(rng: Random, hiring: _Hiring, sub_branches: list[SubBranch], as_of: date) -> None:
    """Some account officers left in the last ten months; their loans are still on the books."""
    everyone = [(sub, i) for sub in sub_branches for i, o in enumerate(sub.officers) if o.joined_on < as_of]
    n_leavers = max(1, round(LEAVER_SHARE * len(everyone)))
    for sub, i in rng.sample(everyone, n_leavers):
        officer = sub.officers[i]
        earliest = max(officer.joined_on + timedelta(days=90), as_of - timedelta(days=300))
        sub.officers[i] = hiring.let_go(officer, between(rng, earliest, as_of - timedelta(days=20)))
