"""The business that uses Duly: its name, address, currency and letterhead."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from models.audit import record_change
from models.db import writing
from models.money import is_currency_code
from models.schema import Business
from models.steady import steady_answer

# Countries a small business most often picks first; any ISO code is accepted.
COUNTRIES: tuple[tuple[str, str], ...] = (
    ("GB", "United Kingdom"), ("IE", "Ireland"), ("US", "United States"),
    ("CA", "Canada"), ("DE", "Germany"), ("FR", "France"), ("NL", "Netherlands"),
    ("BE", "Belgium"), ("AT", "Austria"), ("CH", "Switzerland"), ("ES", "Spain"),
    ("IT", "Italy"), ("PT", "Portugal"), ("DK", "Denmark"), ("SE", "Sweden"),
    ("NO", "Norway"), ("FI", "Finland"), ("PL", "Poland"), ("CZ", "Czechia"),
    ("GR", "Greece"), ("AU", "Australia"), ("NZ", "New Zealand"),
)

# Countries whose standard paper is US Letter (ISO 216 is used everywhere else).
LETTER_COUNTRIES = frozenset({"US", "CA", "MX", "PH", "CL", "CO", "VE", "GT", "PR"})

MAX_LOGO_BYTES = 2 * 1024 * 1024


class CompanyError(ValueError):
    """Company details a user typed that cannot be used, in the user's words."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class BusinessDetails:
    """The business as printed on letters and shown in the window."""

    name: str
    address: str
    country: str
    currency: str
    email: str
    phone: str
    registration: str
    page_size: str
    has_logo: bool
    is_demo: bool


def page_size_for(country: str) -> str:
    """The paper size a business in ``country`` prints on: "Letter" or "A4"."""
    return "Letter" if country.upper() in LETTER_COUNTRIES else "A4"


def check_business(name: str, country: str, currency: str,
                   logo: bytes | None = None) -> tuple[str, str, str]:
    """The cleaned name, country and currency; :class:`CompanyError` if one won't do."""
    name = name.strip()
    if not name:
        raise CompanyError("name", "Enter the business name.")
    from models.postal import is_country_code  # Babel's territories: read when needed

    country = country.strip().upper()
    if not is_country_code(country):
        raise CompanyError("country", "Choose the country as a two-letter code, e.g. GB.")
    currency = currency.strip().upper()
    if not is_currency_code(currency):
        raise CompanyError("currency", "Choose the currency as a three-letter code, e.g. EUR.")
    if logo is not None and len(logo) > MAX_LOGO_BYTES:
        raise CompanyError("logo", "The logo file is larger than 2 MB; choose a smaller image.")
    return name, country, currency


def create_business(name: str, *, address: str = "", country: str, currency: str,
                    email: str = "", phone: str = "", registration: str = "",
                    bank_details: str = "", logo: bytes | None = None,
                    logo_type: str = "", is_demo: bool = False) -> BusinessDetails:
    """Record the business in a new store, with Duly's default terms and policies;
    ``bank_details`` typed as one text become its bank account for any currency."""
    # Imported here: the window reads the business at every start, and creates one
    # rarely (the bank account's checks alone load stdnum and Babel).
    from models.bank_accounts import add_text_account
    from models.defaults import seed_defaults

    name, country, currency = check_business(name, country, currency, logo)
    with writing():
        if Business.select().exists():
            raise CompanyError("name", "This store already belongs to a business.")
        row = Business.create(
            name=name, address=address.strip(), country=country, currency=currency,
            email=email.strip(), phone=phone.strip(), registration=registration.strip(),
            logo=logo, logo_type=logo_type,
            is_demo=is_demo, created_at=dt.datetime.now(),
        )
        seed_defaults(currency)
        add_text_account(bank_details)
        record_change("create", "business", row.id, after={"name": name, "country": country,
                                                           "currency": currency})
    details = business_details()
    assert details is not None
    return details


@steady_answer
def business_details() -> BusinessDetails | None:
    """The business of the open store, or None for a store not yet set up."""
    # Not the logo itself (up to 2 MB): only whether there is one.
    row = Business.select(Business.name, Business.address, Business.country,
                          Business.currency, Business.email, Business.phone,
                          Business.registration, Business.page_size, Business.is_demo,
                          Business.logo.is_null(False).alias("has_logo")).first()
    if row is None:
        return None
    return BusinessDetails(
        name=row.name, address=row.address, country=row.country, currency=row.currency,
        email=row.email, phone=row.phone, registration=row.registration,
        page_size=row.page_size or page_size_for(row.country),
        has_logo=bool(row.has_logo), is_demo=row.is_demo,
    )


@steady_answer
def business_logo() -> tuple[bytes, str] | None:
    """The logo image bytes and their MIME type, if the business has one."""
    row = Business.select(Business.logo, Business.logo_type).first()
    if row is None or row.logo is None:
        return None
    return bytes(row.logo), row.logo_type
