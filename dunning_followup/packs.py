"""Country packs: the dunning levels, wording and statutory rules a company of a
country starts with, and the national rules the run applies.

A pack is data: levels (delay, channel, which charges they may carry, for which kind
of customer), their texts in English and in the country's language, the interest
rules for businesses and consumers (codes of :data:`.interest.RULES`) and the legal
sources. Each rule that a pack relies on carries its source in a comment here.

The rules a run needs beyond the levels live here too, as pure functions: the Dutch
14-day letter before collection costs, the German cap on consumer reminder fees and
the Californian contact hours.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from .errors import DunningConfigError
from .interest import B2B, B2C, ZERO, to_decimal

ANY = "any"
CUSTOMER_KINDS = (B2B, B2C, ANY)

# What a level does with the fixed compensation (40 EUR, the BIK scale, ...) of the
# interest rule when it charges interest.
COMPENSATION_WITH_INTEREST = "with_interest"
COMPENSATION_NEVER = "never"
COMPENSATION_AFTER_NOTICE = "after_notice"
COMPENSATION_POLICIES = (
    COMPENSATION_WITH_INTEREST,
    COMPENSATION_NEVER,
    COMPENSATION_AFTER_NOTICE,
)

# Who takes over at a hand-over level.
HANDOVER_AGENCY = "agency"
HANDOVER_LAWYER = "lawyer"
HANDOVER_COURT = "court"
HANDOVER_BETREIBUNG = "betreibung"


def text(en: str, local: str | None = None, lang: str | None = None) -> dict[str, str]:
    """A text by Odoo language code: English, and the country's language."""
    texts = {"en_US": en}
    if local is not None and lang is not None:
        texts[lang] = local
    return texts


@dataclass(frozen=True)
class PackLevel:
    """A dunning level of a pack.

    ``customer_kind`` says whom it applies to (b2b, b2c or any). ``fee_fixed`` is the
    level's fee; ``charge_interest`` charges the interest rule of the customer's kind
    and, per ``compensation``, its fixed compensation. A level with ``notice_days``
    is a formal notice giving that many days counted from the day after its receipt,
    ``delivery_days`` after it is sent (the Dutch 14-day letter), and states the
    compensation that will be charged when the term passes. ``activity`` schedules an
    activity ('todo', 'call' or 'sms').
    """

    key: str
    sequence: int
    delay: int
    min_interval: int
    name: dict[str, str]
    intro: dict[str, str]
    closing: dict[str, str]
    customer_kind: str = ANY
    send_email: bool = True
    send_letter: bool = False
    auto_send: bool = True
    fee_fixed: Decimal = ZERO
    charge_interest: bool = False
    compensation: str = COMPENSATION_WITH_INTEREST
    notice_days: int = 0
    delivery_days: int = 0
    activity: str | None = None
    activity_summary: dict[str, str] = field(default_factory=dict)
    collection: bool = False
    handover: str | None = None


@dataclass(frozen=True)
class Pack:
    """The dunning set-up of a country (``country`` an ISO code, ``state`` a
    subdivision code when the law is a state's, None for the neutral pack)."""

    code: str
    name: str
    country: str | None
    lang: str
    levels: tuple[PackLevel, ...]
    rule_b2b: str | None = None
    rule_b2c: str | None = None
    state: str | None = None
    consumer_fee_cap: Decimal | None = None
    contact_hours: tuple[int, int] | None = None
    currency_digits: int | None = None
    summary: str = ""
    sources: tuple[str, ...] = ()


def validate_pack(pack: Pack) -> Pack:
    """``pack``, checked: known kinds and policies, and for each kind of customer the
    levels that apply to it have strictly increasing delays along their sequence.

    :raises DunningConfigError: when a level is inconsistent
    """
    keys = [level.key for level in pack.levels]
    if len(set(keys)) != len(keys):
        raise DunningConfigError(
            f"Pack {pack.code!r} has two levels with the same key."
        )
    sequences = [level.sequence for level in pack.levels]
    if len(set(sequences)) != len(sequences):
        raise DunningConfigError(
            f"Pack {pack.code!r} has two levels with the same sequence."
        )
    for level in pack.levels:
        if level.customer_kind not in CUSTOMER_KINDS:
            raise DunningConfigError(
                f"Pack {pack.code!r}, level {level.key!r}: unknown customer kind "
                f"{level.customer_kind!r}."
            )
        if level.compensation not in COMPENSATION_POLICIES:
            raise DunningConfigError(
                f"Pack {pack.code!r}, level {level.key!r}: unknown compensation policy "
                f"{level.compensation!r}."
            )
        if "en_US" not in level.name or "en_US" not in level.intro:
            raise DunningConfigError(
                f"Pack {pack.code!r}, level {level.key!r} has no English text."
            )
    for kind in (B2B, B2C):
        previous = None
        for level in levels_for_kind(pack, kind):
            if previous is not None and level.delay <= previous.delay:
                raise DunningConfigError(
                    f"Pack {pack.code!r}: for {kind} customers the level {level.key!r} "
                    f"(delay {level.delay}) does not come after {previous.key!r} "
                    f"(delay {previous.delay})."
                )
            previous = level
    return pack


def levels_for_kind(pack: Pack, kind: str) -> tuple[PackLevel, ...]:
    """The levels of ``pack`` a customer of ``kind`` (b2b or b2c) goes through."""
    return tuple(
        sorted(
            (level for level in pack.levels if level.customer_kind in (kind, ANY)),
            key=lambda level: level.sequence,
        )
    )


def pack_for_country(country: str | None, state: str | None = None) -> Pack:
    """The pack of a company in ``country`` (ISO code) and ``state`` (subdivision
    code): the state's pack where the law is a state's, else the country's, else the
    neutral international pack."""
    country = (country or "").upper()
    state = (state or "").upper()
    fallback = PACKS["intl"]
    for pack in PACKS.values():
        if pack.country and pack.country == country:
            if pack.state is None or pack.state == state:
                return pack
    return fallback


# --- National rules the run applies ------------------------------------------------


def notice_term_end(sent: date, notice_days: int, delivery_days: int = 0) -> date:
    """The last day of the term a formal notice sent on ``sent`` gives.

    Art. 6:96(6) BW: the 14 days run from the day after the debtor receives the
    letter; the letter is taken as received ``delivery_days`` after it is sent.
    """
    if notice_days < 0 or delivery_days < 0:
        raise DunningConfigError(
            "A notice term and its delivery days cannot be negative."
        )
    return sent + timedelta(days=delivery_days + notice_days)


def compensation_allowed(
    policy: str,
    as_of: date,
    notice_sent: date | None = None,
    notice_days: int = 0,
    delivery_days: int = 0,
) -> bool:
    """Whether a level with compensation ``policy`` may charge the compensation on
    ``as_of``.

    'after_notice': only when a formal notice was sent (``notice_sent``) and its term
    has passed by ``as_of``: no costs when the letter was not sent or the term runs
    (Dutch consumers, art. 6:96(6) BW).
    """
    if policy == COMPENSATION_NEVER:
        return False
    if policy == COMPENSATION_WITH_INTEREST:
        return True
    if policy != COMPENSATION_AFTER_NOTICE:
        raise DunningConfigError(f"Unknown compensation policy {policy!r}.")
    if notice_sent is None:
        return False
    return as_of > notice_term_end(notice_sent, notice_days, delivery_days)


def consumer_fee(fee: Decimal, cap: Decimal | None) -> Decimal:
    """A consumer's reminder fee: at most ``cap``, the creditor's real cost (None: no
    cap). A German creditor may charge a consumer only the damage the delay really
    caused (§§ 280, 286 BGB; § 309 Nr. 5 BGB voids higher flat fees), and nothing for
    the reminder that puts the debtor in default."""
    fee = to_decimal(fee, "fee")
    if cap is None:
        return fee
    cap = to_decimal(cap, "consumer fee cap")
    if cap < 0:
        raise DunningConfigError(f"The consumer fee cap {cap} must not be negative.")
    return min(fee, cap)


def contact_allowed(local: datetime, hours: tuple[int, int] | None) -> bool:
    """Whether a call or text message at ``local`` (the customer's local time) is
    within ``hours`` = (first hour, end hour), end excluded. None: any time."""
    if hours is None:
        return True
    start, end = hours
    return time(start) <= local.time() < time(end)


def next_contact_time(local: datetime, hours: tuple[int, int] | None) -> datetime:
    """The first moment from ``local`` (naive or aware, the customer's local time)
    when a call or text is allowed: ``local`` itself when it is, else the next
    opening hour (15 U.S.C. § 1692c(a)(1), applied to creditors by Cal. Civ. Code
    § 1788.17: not before 8 a.m. nor after 9 p.m. at the debtor's location)."""
    if contact_allowed(local, hours):
        return local
    start, _end = hours
    opening = local.replace(hour=start, minute=0, second=0, microsecond=0)
    if local.time() >= time(start):
        opening += timedelta(days=1)
    return opening


# --- The packs ---------------------------------------------------------------------

_EN, _DE, _FR, _NL, _ES, _IT, _VI = (
    "en_US",
    "de_DE",
    "fr_FR",
    "nl_NL",
    "es_ES",
    "it_IT",
    "vi_VN",
)


def _de(en, de):
    return text(en, de, _DE)


def _fr(en, fr):
    return text(en, fr, _FR)


def _nl(en, nl):
    return text(en, nl, _NL)


def _es(en, es):
    return text(en, es, _ES)


def _it(en, it):
    return text(en, it, _IT)


def _vi(en, vi):
    return text(en, vi, _VI)


def _en(en):
    return text(en)


_INTL = Pack(
    code="intl",
    name="International (neutral)",
    country=None,
    lang=_EN,
    summary="Four courteous levels (7, 21, 45, 60 days); no fee or interest until "
    "the administrator enables them (and chooses the interest rule).",
    sources=("Directive 2011/7/EU (for EU businesses, when interest is enabled)",),
    levels=(
        PackLevel(
            "friendly",
            10,
            7,
            0,
            _en("Friendly payment reminder"),
            _en(
                "Our records show that the invoices below are now past their due "
                "date. This may well be an oversight: we would be grateful if you "
                "could arrange payment at your earliest convenience."
            ),
            _en("For any question about these invoices, simply reply to this message."),
        ),
        PackLevel(
            "second",
            20,
            21,
            7,
            _en("Second payment reminder"),
            _en(
                "Despite our earlier reminder, the invoices below remain unpaid. We "
                "kindly ask you to settle them within the next 7 days."
            ),
            _en(
                "If there is a problem with these invoices or you need a payment "
                "arrangement, please contact us now so that we can find a solution "
                "together."
            ),
            send_letter=True,
        ),
        PackLevel(
            "final",
            30,
            45,
            10,
            _en("Final notice before collection"),
            _en(
                "The invoices below are still unpaid despite our previous reminders. "
                "We ask you to pay the full amount due within 10 days of this "
                "notice."
            ),
            _en(
                "Without payment or an agreement with us within this period, we will "
                "hand the matter over to a collection agency, which may cause "
                "additional costs as permitted by law."
            ),
            send_letter=True,
            auto_send=False,
        ),
        PackLevel(
            "collection",
            40,
            60,
            10,
            _en("Your account has been handed over to collection"),
            _en(
                "As the invoices below remain unpaid despite our reminders and final "
                "notice, your account is being handed over to our collection agency."
            ),
            _en(
                "To avoid further costs, please pay the full amount due immediately "
                "or contact us without delay."
            ),
            send_email=False,
            send_letter=True,
            auto_send=False,
            activity="todo",
            activity_summary=_en("Hand the overdue invoices over to collection"),
            collection=True,
            handover=HANDOVER_AGENCY,
        ),
    ),
)

# Germany. §§ 286, 288 BGB: the first reminder after the due date puts the debtor
# in default (§ 286(1)), so it costs nothing; later reminders may charge the real
# cost only to consumers (damages, §§ 280(2), 286 BGB; § 309 Nr. 5 BGB), businesses
# owe interest at base rate + 9 and the EUR 40 Pauschale (§ 288(2), (5)); consumers
# base rate + 5 and no Pauschale (§ 288(1)). § 289 BGB: no compound interest.
_GERMANY_LEVELS = (
    PackLevel(
        "de_reminder",
        10,
        7,
        0,
        _de("Payment reminder", "Zahlungserinnerung"),
        _de(
            "According to our records, the invoices listed below are past their due "
            "date. We kindly ask you to pay the amount due within 7 days.",
            "Nach unserer Buchhaltung sind die unten aufgeführten Rechnungen fällig. "
            "Wir bitten Sie, den offenen Betrag innerhalb von 7 Tagen zu begleichen.",
        ),
        _de(
            "Should you have questions about these invoices, please reply to this "
            "letter.",
            "Bei Fragen zu diesen Rechnungen antworten Sie bitte einfach auf dieses "
            "Schreiben.",
        ),
    ),
    PackLevel(
        "de_dunning",
        20,
        21,
        10,
        _de("Reminder", "Mahnung"),
        _de(
            "Despite our payment reminder, the invoices below remain unpaid; you "
            "are in default of payment. Please pay the amount due, including the "
            "charges listed, within 10 days.",
            "Trotz unserer Zahlungserinnerung sind die folgenden Rechnungen noch "
            "offen; Sie befinden sich im Zahlungsverzug. Bitte zahlen Sie den "
            "offenen Betrag einschließlich der aufgeführten Kosten innerhalb von "
            "10 Tagen.",
        ),
        _de(
            "If you are unable to pay, please contact us so that we can agree on "
            "a solution.",
            "Sollten Sie nicht zahlen können, setzen Sie sich bitte mit uns in "
            "Verbindung, damit wir eine Lösung vereinbaren können.",
        ),
        send_letter=True,
        fee_fixed=Decimal("5"),
        charge_interest=True,
    ),
    PackLevel(
        "de_final",
        30,
        45,
        14,
        _de("Final reminder", "Letzte Mahnung"),
        _de(
            "The invoices below are still unpaid despite our reminders. We ask "
            "you to pay the full amount due within 10 days of this letter.",
            "Die folgenden Rechnungen sind trotz unserer Mahnungen weiterhin "
            "offen. Wir fordern Sie auf, den gesamten Betrag innerhalb von 10 "
            "Tagen nach Zugang dieses Schreibens zu zahlen.",
        ),
        _de(
            "Without payment within this period we will apply for a court order "
            "for payment (gerichtliches Mahnverfahren) without further notice.",
            "Geht der Betrag nicht innerhalb dieser Frist ein, beantragen wir ohne "
            "weitere Ankündigung einen Mahnbescheid im gerichtlichen "
            "Mahnverfahren.",
        ),
        send_letter=True,
        auto_send=False,
        fee_fixed=Decimal("5"),
        charge_interest=True,
    ),
    PackLevel(
        "de_court",
        40,
        60,
        10,
        _de(
            "Application for a court order for payment",
            "Einleitung des gerichtlichen Mahnverfahrens",
        ),
        _de(
            "As the invoices below remain unpaid, we have applied for a court "
            "order for payment.",
            "Da die folgenden Rechnungen weiterhin offen sind, haben wir den Erlass "
            "eines Mahnbescheids beantragt.",
        ),
        _de(
            "Further costs can only be avoided by paying the full amount now.",
            "Weitere Kosten vermeiden Sie nur durch sofortige Zahlung des gesamten "
            "Betrags.",
        ),
        send_email=False,
        send_letter=True,
        auto_send=False,
        activity="todo",
        activity_summary=_de(
            "Apply for a court order for payment (§ 688 ZPO)",
            "Mahnbescheid beantragen (§ 688 ZPO)",
        ),
        collection=True,
        handover=HANDOVER_COURT,
    ),
)

# France. Art. L441-10 and D441-5 C. com.: businesses owe the ECB rate + 10 points
# and EUR 40, and the letters state both; consumers owe the taux de l'intérêt légal
# from the mise en demeure (art. 1231-6 and 1344 Code civil) and no pre-judgment
# collection costs (art. L111-8 Code des procédures civiles d'exécution).
_FR_B2B_NOTICE = _fr(
    "Late-payment penalties run at the ECB rate plus 10 points, with a fixed "
    "indemnity of EUR 40 for recovery costs per invoice (art. L441-10 and D441-5 "
    "Code de commerce).",
    "Des pénalités de retard sont dues au taux de la BCE majoré de 10 points, ainsi "
    "qu'une indemnité forfaitaire pour frais de recouvrement de 40 EUR par facture "
    "(art. L441-10 et D441-5 du Code de commerce).",
)
_FRANCE_LEVELS = (
    PackLevel(
        "fr_reminder",
        10,
        7,
        0,
        _fr("Payment reminder", "Relance de paiement"),
        _fr(
            "Unless we are mistaken, the invoices below have not been paid by "
            "their due date. We thank you for settling them within 8 days.",
            "Sauf erreur de notre part, les factures ci-dessous n'ont pas été "
            "réglées à leur échéance. Nous vous remercions de bien vouloir les "
            "régler sous 8 jours.",
        ),
        _fr(
            "For any question about these invoices, please reply to this message.",
            "Pour toute question sur ces factures, il vous suffit de répondre à ce "
            "message.",
        ),
    ),
    PackLevel(
        "fr_second_b2b",
        20,
        21,
        10,
        _fr("Second reminder", "Deuxième relance"),
        _fr(
            "Despite our reminder, the invoices below remain unpaid. Please pay "
            "the amount due, with the penalties listed, within 8 days.",
            "Malgré notre relance, les factures ci-dessous restent impayées. Nous "
            "vous prions d'en régler le montant, avec les pénalités indiquées, "
            "sous 8 jours.",
        ),
        _FR_B2B_NOTICE,
        customer_kind=B2B,
        send_letter=True,
        charge_interest=True,
    ),
    PackLevel(
        "fr_second_b2c",
        21,
        21,
        10,
        _fr("Second reminder", "Deuxième relance"),
        _fr(
            "Despite our reminder, the invoices below remain unpaid. Please pay "
            "the amount due within 8 days.",
            "Malgré notre relance, les factures ci-dessous restent impayées. Nous "
            "vous prions d'en régler le montant sous 8 jours.",
        ),
        _fr(
            "If you are having difficulties, please contact us to agree on a "
            "payment schedule.",
            "Si vous rencontrez des difficultés, contactez-nous pour convenir d'un "
            "échéancier.",
        ),
        customer_kind=B2C,
        send_letter=True,
    ),
    PackLevel(
        "fr_formal_b2b",
        30,
        45,
        14,
        _fr("Formal notice to pay", "Mise en demeure de payer"),
        _fr(
            "We hereby give you formal notice to pay the amount below, with the "
            "penalties listed, within 8 days of receiving this letter.",
            "Par la présente, nous vous mettons en demeure de régler la somme "
            "ci-dessous, avec les pénalités indiquées, dans un délai de 8 jours à "
            "compter de la réception de ce courrier.",
        ),
        _FR_B2B_NOTICE,
        customer_kind=B2B,
        send_letter=True,
        auto_send=False,
        charge_interest=True,
    ),
    PackLevel(
        "fr_formal_b2c",
        31,
        45,
        14,
        _fr("Formal notice to pay", "Mise en demeure de payer"),
        _fr(
            "We hereby give you formal notice to pay the amount below within 8 "
            "days of receiving this letter. This notice makes interest at the "
            "statutory rate run (art. 1231-6 and 1344 Code civil).",
            "Par la présente, nous vous mettons en demeure de régler la somme "
            "ci-dessous dans un délai de 8 jours à compter de la réception de ce "
            "courrier. La présente mise en demeure fait courir les intérêts au "
            "taux légal (art. 1231-6 et 1344 du Code civil).",
        ),
        _fr(
            "Without payment within this period, we will refer the matter to the "
            "court (injonction de payer).",
            "À défaut de paiement dans ce délai, nous saisirons la juridiction "
            "compétente (injonction de payer).",
        ),
        customer_kind=B2C,
        send_letter=True,
        auto_send=False,
    ),
    PackLevel(
        "fr_litigation",
        40,
        60,
        10,
        _fr("Transfer to litigation", "Transmission au contentieux"),
        _fr(
            "As our formal notice has remained without effect, the matter is "
            "being transferred to our litigation department.",
            "Notre mise en demeure étant restée sans effet, le dossier est transmis "
            "à notre service contentieux.",
        ),
        _fr(
            "Only full payment now will stop these proceedings.",
            "Seul un paiement intégral immédiat permettra d'arrêter cette procédure.",
        ),
        send_email=False,
        send_letter=True,
        auto_send=False,
        activity="todo",
        activity_summary=_fr(
            "Transfer the file to litigation", "Transmettre le dossier au contentieux"
        ),
        collection=True,
        handover=HANDOVER_COURT,
    ),
)

# The Netherlands. Businesses: wettelijke handelsrente (art. 6:119a BW), compounded
# yearly, and EUR 40 (art. 6:96(4) BW). Consumers: collection costs only after a
# letter giving 14 days, counted from the day after receipt, that states the costs
# (art. 6:96(6) BW), at most the BIK scale (Besluit vergoeding voor
# buitengerechtelijke incassokosten).
_NETHERLANDS_LEVELS = (
    PackLevel(
        "nl_reminder",
        10,
        7,
        0,
        _nl("Payment reminder", "Betalingsherinnering"),
        _nl(
            "According to our records, the invoices below have not been paid by "
            "their due date. We ask you to pay them within 7 days.",
            "Volgens onze administratie zijn de onderstaande facturen niet op tijd "
            "betaald. Wij verzoeken u deze binnen 7 dagen te voldoen.",
        ),
        _nl(
            "For questions about these invoices, simply reply to this message.",
            "Heeft u vragen over deze facturen? Beantwoord dan dit bericht.",
        ),
    ),
    PackLevel(
        "nl_second_b2b",
        20,
        21,
        10,
        _nl("Second reminder", "Tweede herinnering"),
        _nl(
            "Despite our reminder, the invoices below remain unpaid. Please pay "
            "the amount due, with the statutory commercial interest and "
            "compensation listed, within 14 days.",
            "Ondanks onze herinnering zijn de onderstaande facturen nog niet "
            "betaald. Wij verzoeken u het openstaande bedrag, met de vermelde "
            "wettelijke handelsrente en vergoeding, binnen 14 dagen te betalen.",
        ),
        _nl(
            "Statutory commercial interest is due under art. 6:119a BW and "
            "compensation for collection costs under art. 6:96 BW.",
            "Wettelijke handelsrente is verschuldigd op grond van art. 6:119a BW "
            "en een vergoeding voor incassokosten op grond van art. 6:96 BW.",
        ),
        customer_kind=B2B,
        send_letter=True,
        charge_interest=True,
    ),
    PackLevel(
        "nl_notice_b2c",
        21,
        21,
        10,
        _nl("Final reminder (14-day letter)", "Aanmaning (veertiendagenbrief)"),
        _nl(
            "Despite our reminder, the invoices below remain unpaid. You have 14 "
            "days, counted from the day after you receive this letter, to pay "
            "the amount due without any costs.",
            "Ondanks onze herinnering zijn de onderstaande facturen nog niet "
            "betaald. U kunt het openstaande bedrag binnen 14 dagen, gerekend vanaf "
            "de dag na ontvangst van deze brief, zonder kosten betalen.",
        ),
        _nl(
            "If you cannot pay within this term, please contact us so that we can "
            "agree on a payment plan.",
            "Kunt u niet binnen deze termijn betalen, neem dan contact met ons op "
            "om een betalingsregeling af te spreken.",
        ),
        customer_kind=B2C,
        send_letter=True,
        notice_days=14,
        delivery_days=2,
    ),
    PackLevel(
        "nl_final_b2b",
        30,
        45,
        14,
        _nl("Final notice", "Laatste aanmaning"),
        _nl(
            "The invoices below are still unpaid. We give you a last opportunity "
            "to pay the full amount within 7 days.",
            "De onderstaande facturen zijn nog steeds niet betaald. Wij geven u een "
            "laatste gelegenheid het volledige bedrag binnen 7 dagen te betalen.",
        ),
        _nl(
            "Without payment within this term, we will hand the claim over to a "
            "collection agency.",
            "Zonder betaling binnen deze termijn dragen wij de vordering over aan "
            "een incassobureau.",
        ),
        customer_kind=B2B,
        send_letter=True,
        auto_send=False,
        charge_interest=True,
    ),
    PackLevel(
        "nl_costs_b2c",
        31,
        40,
        15,
        _nl("Notice of default: collection costs", "Ingebrekestelling: incassokosten"),
        _nl(
            "The term of our 14-day letter has passed without payment. The "
            "collection costs announced in that letter are now due.",
            "De termijn van onze veertiendagenbrief is verstreken zonder betaling. "
            "De in die brief aangekondigde incassokosten zijn nu verschuldigd.",
        ),
        _nl(
            "Please pay the full amount within 7 days to avoid further steps.",
            "Betaal het volledige bedrag binnen 7 dagen om verdere stappen te "
            "voorkomen.",
        ),
        customer_kind=B2C,
        send_letter=True,
        auto_send=False,
        charge_interest=True,
        compensation=COMPENSATION_AFTER_NOTICE,
    ),
    PackLevel(
        "nl_collection",
        40,
        60,
        10,
        _nl("Transfer to a collection agency", "Overdracht aan incassobureau"),
        _nl(
            "As the invoices below remain unpaid, the claim is being handed over "
            "to a collection agency.",
            "Omdat de onderstaande facturen onbetaald blijven, wordt de vordering "
            "overgedragen aan een incassobureau.",
        ),
        _nl(
            "You can still stop this by paying the full amount now.",
            "U kunt dit nog voorkomen door het volledige bedrag nu te betalen.",
        ),
        send_email=False,
        send_letter=True,
        auto_send=False,
        activity="todo",
        activity_summary=_nl(
            "Hand the claim over to a collection agency",
            "Vordering overdragen aan incassobureau",
        ),
        collection=True,
        handover=HANDOVER_AGENCY,
    ),
)

# United Kingdom. Businesses: Late Payment of Commercial Debts (Interest) Act 1998,
# Bank Rate + 8 and fixed sums of GBP 40/70/100. Consumers: before a claim, a letter
# of claim under the Pre-Action Protocol for Debt Claims (paras 3.1-3.4) with the
# Reply Form, Information Sheet and Financial Statement, and 30 days to reply.
_UK_LEVELS = (
    PackLevel(
        "uk_reminder",
        10,
        7,
        0,
        _en("Payment reminder"),
        _en(
            "Our records show that the invoices below are past their due date. "
            "Please arrange payment within 7 days."
        ),
        _en(
            "If you have a question about these invoices, please reply to this message."
        ),
    ),
    PackLevel(
        "uk_second_b2b",
        20,
        21,
        10,
        _en("Second reminder: statutory interest"),
        _en(
            "The invoices below remain unpaid. Under the Late Payment of "
            "Commercial Debts (Interest) Act 1998 we are entitled to statutory "
            "interest and a fixed sum for each invoice, as listed."
        ),
        _en("Please pay the amount due within 14 days."),
        customer_kind=B2B,
        send_letter=True,
        charge_interest=True,
    ),
    PackLevel(
        "uk_second_b2c",
        21,
        21,
        10,
        _en("Second reminder"),
        _en(
            "The invoices below remain unpaid. Please pay the amount due within "
            "14 days."
        ),
        _en(
            "If you are having difficulty paying, please contact us: we will "
            "consider a reasonable payment plan."
        ),
        customer_kind=B2C,
        send_letter=True,
    ),
    PackLevel(
        "uk_final_b2b",
        30,
        45,
        14,
        _en("Final notice before proceedings"),
        _en(
            "The invoices below remain unpaid despite our reminders. Please pay "
            "the full amount, with the statutory interest and fixed sums, within "
            "14 days."
        ),
        _en(
            "Without payment within this period we will start proceedings to "
            "recover the debt."
        ),
        customer_kind=B2B,
        send_letter=True,
        auto_send=False,
        charge_interest=True,
    ),
    PackLevel(
        "uk_claim_b2c",
        31,
        45,
        14,
        _en("Letter of claim"),
        _en(
            "This is a letter of claim under the Pre-Action Protocol for Debt "
            "Claims. The debt is set out below. You have 30 days from the date of "
            "this letter to reply. Enclosed are the Reply Form, the Information "
            "Sheet and a Financial Statement form: please complete and return the "
            "Reply Form."
        ),
        _en(
            "The Information Sheet explains where you can get free independent "
            "debt advice. If you do not reply within 30 days, we may start court "
            "proceedings."
        ),
        customer_kind=B2C,
        send_letter=True,
        auto_send=False,
    ),
    PackLevel(
        "uk_recovery",
        40,
        80,
        31,
        _en("Debt recovery"),
        _en(
            "As the invoices below remain unpaid, we are taking steps to recover "
            "the debt."
        ),
        _en("Please contact us now if you wish to settle the account."),
        send_email=False,
        send_letter=True,
        auto_send=False,
        activity="todo",
        activity_summary=_en("Start debt recovery proceedings"),
        collection=True,
        handover=HANDOVER_COURT,
    ),
)

# California. Rosenthal Fair Debt Collection Practices Act (Cal. Civ. Code § 1788
# et seq.), which binds creditors collecting their own debts and incorporates the
# federal FDCPA rules by § 1788.17: no call or text before 8 a.m. or after 9 p.m. at
# the debtor's location (15 U.S.C. § 1692c(a)(1)); no threat of an action not
# intended and no false statement of the amount or legal status (§§ 1788.10-1788.13,
# 15 U.S.C. § 1692e). The texts announce only the steps of the later levels.
_CALIFORNIA_LEVELS = (
    PackLevel(
        "us_reminder",
        10,
        7,
        0,
        _en("Payment reminder"),
        _en(
            "Our records show that the invoices below are past their due date. "
            "Please arrange payment at your earliest convenience."
        ),
        _en(
            "If you believe the amount is not correct, please tell us and we will "
            "review it."
        ),
    ),
    PackLevel(
        "us_second",
        20,
        30,
        14,
        _en("Second notice"),
        _en(
            "The invoices below remain unpaid. Please pay the balance within 14 "
            "days or contact us to discuss it."
        ),
        _en("A member of our team may call you about this balance."),
        activity="sms",
        activity_summary=_en("Text or call the customer about the balance"),
    ),
    PackLevel(
        "us_final",
        30,
        60,
        14,
        _en("Final notice"),
        _en(
            "The invoices below are still unpaid. Please pay the balance within "
            "14 days."
        ),
        _en(
            "If the balance is not paid or discussed with us by then, we intend "
            "to refer the account to a collection agency."
        ),
        send_letter=True,
        auto_send=False,
    ),
    PackLevel(
        "us_collection",
        40,
        90,
        14,
        _en("Account referred for collection"),
        _en(
            "As the invoices below remain unpaid, your account is being referred "
            "to a collection agency."
        ),
        _en("You may still pay the balance to us directly."),
        send_email=False,
        send_letter=True,
        auto_send=False,
        activity="todo",
        activity_summary=_en("Refer the account to a collection agency"),
        collection=True,
        handover=HANDOVER_AGENCY,
    ),
)

# Austria. § 456 UGB: OeNB base rate + 9.2 points between businesses; § 458 UGB:
# EUR 40. Consumers: 4 % (§ 1000 ABGB) is not charged by default.
_AUSTRIA_LEVELS = (
    PackLevel(
        "at_reminder",
        10,
        7,
        0,
        _de("Payment reminder", "Zahlungserinnerung"),
        _de(
            "According to our records, the invoices listed below are past their "
            "due date. We kindly ask you to pay the amount due within 7 days.",
            "Laut unserer Buchhaltung sind die unten angeführten Rechnungen fällig. "
            "Wir ersuchen Sie, den offenen Betrag binnen 7 Tagen zu begleichen.",
        ),
        _de(
            "Should you have questions about these invoices, please reply to this "
            "letter.",
            "Bei Fragen zu diesen Rechnungen antworten Sie bitte auf dieses Schreiben.",
        ),
    ),
    PackLevel(
        "at_dunning",
        20,
        21,
        10,
        _de("Reminder", "Mahnung"),
        _de(
            "Despite our payment reminder, the invoices below remain unpaid. "
            "Please pay the amount due, with the charges listed, within 10 days.",
            "Trotz unserer Zahlungserinnerung sind die folgenden Rechnungen noch "
            "offen. Bitte zahlen Sie den Betrag samt den angeführten Kosten binnen "
            "10 Tagen.",
        ),
        _de(
            "If you are unable to pay, please contact us.",
            "Sollten Sie nicht zahlen können, setzen Sie sich bitte mit uns in "
            "Verbindung.",
        ),
        send_letter=True,
        charge_interest=True,
    ),
    PackLevel(
        "at_final",
        30,
        45,
        14,
        _de("Final reminder", "Letzte Mahnung"),
        _de(
            "The invoices below are still unpaid. We ask you to pay the full "
            "amount within 10 days.",
            "Die folgenden Rechnungen sind weiterhin offen. Wir ersuchen Sie, den "
            "gesamten Betrag binnen 10 Tagen zu zahlen.",
        ),
        _de(
            "Otherwise we will take legal action without further notice.",
            "Andernfalls leiten wir ohne weitere Ankündigung rechtliche Schritte ein.",
        ),
        send_letter=True,
        auto_send=False,
        charge_interest=True,
    ),
    PackLevel(
        "at_collection",
        40,
        60,
        10,
        _de("Transfer to collection", "Übergabe an das Inkasso"),
        _de(
            "As the invoices below remain unpaid, the claim is being handed over "
            "for collection.",
            "Da die folgenden Rechnungen weiterhin offen sind, wird die Forderung "
            "zur Eintreibung übergeben.",
        ),
        _de(
            "Further costs can only be avoided by paying now.",
            "Weitere Kosten vermeiden Sie nur durch sofortige Zahlung.",
        ),
        send_email=False,
        send_letter=True,
        auto_send=False,
        activity="todo",
        activity_summary=_de(
            "Hand the claim over for collection", "Forderung zur Eintreibung übergeben"
        ),
        collection=True,
        handover=HANDOVER_AGENCY,
    ),
)

# Switzerland. Art. 102 and 104 OR: the reminder puts the debtor in default and
# 5 % interest runs; no statutory flat compensation. Art. 67 ff. SchKG: the
# creditor enforces by a Betreibungsbegehren at the Betreibungsamt.
_SWITZERLAND_LEVELS = (
    PackLevel(
        "ch_reminder",
        10,
        10,
        0,
        _de("Payment reminder", "Zahlungserinnerung"),
        _de(
            "According to our records, the invoices below are past their due "
            "date. Please pay the amount due within 10 days.",
            "Gemäss unserer Buchhaltung sind die unten aufgeführten Rechnungen "
            "fällig. Bitte begleichen Sie den offenen Betrag innert 10 Tagen.",
        ),
        _de(
            "Should you have questions about these invoices, please reply to this "
            "letter.",
            "Bei Fragen zu diesen Rechnungen antworten Sie bitte auf dieses Schreiben.",
        ),
    ),
    PackLevel(
        "ch_dunning",
        20,
        30,
        10,
        _de("Second reminder", "2. Mahnung"),
        _de(
            "The invoices below remain unpaid; default interest of 5 % a year "
            "runs (art. 104 OR). Please pay within 10 days.",
            "Die folgenden Rechnungen sind weiterhin offen; es läuft ein "
            "Verzugszins von 5 % pro Jahr (Art. 104 OR). Bitte zahlen Sie innert "
            "10 Tagen.",
        ),
        _de(
            "If you are unable to pay, please contact us.",
            "Sollten Sie nicht zahlen können, nehmen Sie bitte mit uns Kontakt auf.",
        ),
        send_letter=True,
        charge_interest=True,
    ),
    PackLevel(
        "ch_final",
        30,
        45,
        14,
        _de(
            "Final reminder before debt enforcement",
            "Letzte Mahnung mit Betreibungsandrohung",
        ),
        _de(
            "The invoices below are still unpaid. Please pay the full amount "
            "within 10 days.",
            "Die folgenden Rechnungen sind weiterhin offen. Bitte zahlen Sie den "
            "gesamten Betrag innert 10 Tagen.",
        ),
        _de(
            "Otherwise we will file a debt enforcement request (Betreibung) "
            "without further notice.",
            "Andernfalls leiten wir ohne weitere Ankündigung die Betreibung ein.",
        ),
        send_letter=True,
        auto_send=False,
        charge_interest=True,
    ),
    PackLevel(
        "ch_enforcement",
        40,
        60,
        10,
        _de("Debt enforcement (Betreibung)", "Einleitung der Betreibung"),
        _de(
            "As the invoices below remain unpaid, we are filing a debt "
            "enforcement request with the debt enforcement office.",
            "Da die folgenden Rechnungen weiterhin offen sind, stellen wir beim "
            "Betreibungsamt das Betreibungsbegehren.",
        ),
        _de(
            "Payment of the full amount can still avoid further costs.",
            "Mit der Zahlung des gesamten Betrags vermeiden Sie weitere Kosten.",
        ),
        send_email=False,
        send_letter=True,
        auto_send=False,
        activity="todo",
        activity_summary=_de(
            "File the debt enforcement request (art. 67 SchKG)",
            "Betreibungsbegehren stellen (Art. 67 SchKG)",
        ),
        collection=True,
        handover=HANDOVER_BETREIBUNG,
    ),
)

# Spain. Ley 3/2004 art. 7 and 8: ECB rate + 8 points and EUR 40 between
# businesses; art. 1100 and 1108 Código Civil: a consumer owes interest from the
# requerimiento.
_SPAIN_LEVELS = (
    PackLevel(
        "es_reminder",
        10,
        7,
        0,
        _es("Payment reminder", "Recordatorio de pago"),
        _es(
            "According to our records, the invoices below are past their due "
            "date. Please pay them within 7 days.",
            "Según nuestros registros, las facturas siguientes han vencido. Le "
            "rogamos que las abone en un plazo de 7 días.",
        ),
        _es(
            "For any question about these invoices, please reply to this message.",
            "Para cualquier consulta sobre estas facturas, responda a este mensaje.",
        ),
    ),
    PackLevel(
        "es_second",
        20,
        21,
        10,
        _es("Second reminder", "Segundo aviso"),
        _es(
            "The invoices below remain unpaid. Please pay the amount due, with the "
            "charges listed, within 10 days.",
            "Las facturas siguientes siguen pendientes. Le rogamos que abone el "
            "importe adeudado, con los cargos indicados, en un plazo de 10 días.",
        ),
        _es(
            "Between businesses, late-payment interest and EUR 40 per invoice are "
            "due under Ley 3/2004.",
            "Entre empresas, se devengan intereses de demora y 40 EUR por factura "
            "conforme a la Ley 3/2004.",
        ),
        send_letter=True,
        charge_interest=True,
    ),
    PackLevel(
        "es_final",
        30,
        45,
        14,
        _es("Formal demand for payment", "Requerimiento formal de pago"),
        _es(
            "We formally require you to pay the full amount within 10 days.",
            "Le requerimos formalmente el pago del importe total en un plazo de "
            "10 días.",
        ),
        _es(
            "Otherwise we will start a payment order procedure (procedimiento "
            "monitorio).",
            "En caso contrario, iniciaremos un procedimiento monitorio.",
        ),
        send_letter=True,
        auto_send=False,
        charge_interest=True,
    ),
    PackLevel(
        "es_claim",
        40,
        60,
        10,
        _es("Court claim", "Reclamación judicial"),
        _es(
            "As the invoices below remain unpaid, we are starting legal proceedings.",
            "Al seguir pendientes las facturas siguientes, iniciamos la "
            "reclamación judicial.",
        ),
        _es(
            "Paying the full amount now avoids further costs.",
            "El pago inmediato del importe total evita costes adicionales.",
        ),
        send_email=False,
        send_letter=True,
        auto_send=False,
        activity="todo",
        activity_summary=_es(
            "Start a payment order procedure", "Iniciar un procedimiento monitorio"
        ),
        collection=True,
        handover=HANDOVER_COURT,
    ),
)

# Italy. D.Lgs. 231/2002 art. 5 and 6: ECB rate + 8 points and EUR 40 between
# businesses; art. 1454 Codice civile: the diffida ad adempiere gives at least 15
# days.
_ITALY_LEVELS = (
    PackLevel(
        "it_reminder",
        10,
        7,
        0,
        _it("Payment reminder", "Sollecito di pagamento"),
        _it(
            "According to our records, the invoices below are past their due "
            "date. Please pay them within 7 days.",
            "Dai nostri registri risulta che le fatture seguenti sono scadute. La "
            "preghiamo di saldarle entro 7 giorni.",
        ),
        _it(
            "For any question about these invoices, please reply to this message.",
            "Per qualsiasi domanda su queste fatture, risponda a questo messaggio.",
        ),
    ),
    PackLevel(
        "it_second",
        20,
        21,
        10,
        _it("Second reminder", "Secondo sollecito"),
        _it(
            "The invoices below remain unpaid. Please pay the amount due, with the "
            "charges listed, within 10 days.",
            "Le fatture seguenti risultano ancora insolute. La preghiamo di pagare "
            "l'importo dovuto, con gli addebiti indicati, entro 10 giorni.",
        ),
        _it(
            "Between businesses, late-payment interest and EUR 40 per invoice are "
            "due under D.Lgs. 231/2002.",
            "Tra imprese sono dovuti gli interessi di mora e 40 EUR per fattura ai "
            "sensi del D.Lgs. 231/2002.",
        ),
        send_letter=True,
        charge_interest=True,
    ),
    PackLevel(
        "it_final",
        30,
        45,
        15,
        _it("Formal notice to pay", "Diffida ad adempiere"),
        _it(
            "We formally require you to pay the full amount within 15 days of "
            "receiving this letter (art. 1454 Codice civile).",
            "La diffidiamo formalmente a pagare l'intero importo entro 15 giorni "
            "dal ricevimento della presente (art. 1454 del Codice civile).",
        ),
        _it(
            "Otherwise we will take legal action to recover the debt.",
            "In mancanza, agiremo in via giudiziale per il recupero del credito.",
        ),
        send_letter=True,
        auto_send=False,
        charge_interest=True,
    ),
    PackLevel(
        "it_recovery",
        40,
        60,
        15,
        _it("Debt recovery", "Recupero del credito"),
        _it(
            "As the invoices below remain unpaid, the claim is being handed over "
            "for recovery.",
            "Poiché le fatture seguenti restano insolute, il credito viene affidato "
            "al recupero.",
        ),
        _it(
            "Paying the full amount now avoids further costs.",
            "Il pagamento immediato dell'intero importo evita ulteriori costi.",
        ),
        send_email=False,
        send_letter=True,
        auto_send=False,
        activity="todo",
        activity_summary=_it(
            "Hand the claim over for recovery", "Affidare il credito al recupero"
        ),
        collection=True,
        handover=HANDOVER_AGENCY,
    ),
)

# Vietnam. Civil Code 2015 art. 357 and 468: interest as agreed, else 10 % a year;
# Commercial Law 2005 art. 306: the market rate for overdue debts between traders.
# Law on Investment 2020 (art. 6(1)(h) and Appendix IV): debt collection services
# are banned from 1 January 2021, so the last level hands over to a lawyer or court.
_VIETNAM_LEVELS = (
    PackLevel(
        "vn_reminder",
        10,
        7,
        0,
        _vi("Payment reminder", "Thư nhắc thanh toán"),
        _vi(
            "According to our records, the invoices below are past their due "
            "date. We respectfully ask you to pay them within 7 days.",
            "Theo sổ sách của chúng tôi, các hóa đơn dưới đây đã quá hạn thanh "
            "toán. Kính đề nghị Quý khách thanh toán trong vòng 7 ngày.",
        ),
        _vi(
            "Should you have any question about these invoices, please reply to "
            "this letter.",
            "Nếu Quý khách có thắc mắc về các hóa đơn này, xin vui lòng phản hồi "
            "thư này.",
        ),
    ),
    PackLevel(
        "vn_second",
        20,
        21,
        10,
        _vi("Second payment notice", "Thông báo nhắc nợ lần thứ hai"),
        _vi(
            "The invoices below remain unpaid. We respectfully ask you to pay the "
            "amount due, with the late-payment interest listed, within 10 days.",
            "Các hóa đơn dưới đây vẫn chưa được thanh toán. Kính đề nghị Quý khách "
            "thanh toán số tiền còn nợ, cùng tiền lãi chậm trả nêu trên, trong "
            "vòng 10 ngày.",
        ),
        _vi(
            "Late-payment interest is charged under art. 357 and 468 of the Civil "
            "Code 2015 and art. 306 of the Commercial Law 2005.",
            "Tiền lãi chậm trả được tính theo Điều 357 và Điều 468 Bộ luật Dân sự "
            "2015 và Điều 306 Luật Thương mại 2005.",
        ),
        send_letter=True,
        charge_interest=True,
    ),
    PackLevel(
        "vn_final",
        30,
        45,
        14,
        _vi("Final demand for payment", "Thông báo yêu cầu thanh toán lần cuối"),
        _vi(
            "The invoices below are still unpaid. We request that you pay the "
            "full amount within 10 days of this notice.",
            "Các hóa đơn dưới đây vẫn chưa được thanh toán. Chúng tôi đề nghị Quý "
            "khách thanh toán toàn bộ số tiền trong vòng 10 ngày kể từ ngày nhận "
            "thông báo này.",
        ),
        _vi(
            "Otherwise we will entrust the matter to our lawyer and bring it "
            "before the competent court.",
            "Quá thời hạn trên, chúng tôi sẽ ủy quyền cho luật sư và khởi kiện tại "
            "Tòa án có thẩm quyền.",
        ),
        send_letter=True,
        auto_send=False,
        charge_interest=True,
    ),
    PackLevel(
        "vn_lawyer",
        40,
        60,
        10,
        _vi("Transfer to our lawyer", "Chuyển hồ sơ cho luật sư"),
        _vi(
            "As the invoices below remain unpaid, the file is being transferred to "
            "our lawyer to bring the claim before the court.",
            "Do các hóa đơn dưới đây vẫn chưa được thanh toán, hồ sơ được chuyển "
            "cho luật sư của chúng tôi để khởi kiện tại Tòa án.",
        ),
        _vi(
            "Payment of the full amount now will end this procedure.",
            "Việc thanh toán toàn bộ số tiền ngay sẽ chấm dứt thủ tục này.",
        ),
        send_email=False,
        send_letter=True,
        auto_send=False,
        activity="todo",
        activity_summary=_vi(
            "Transfer the file to the lawyer (no collection agency)",
            "Chuyển hồ sơ cho luật sư (không qua dịch vụ đòi nợ)",
        ),
        collection=True,
        handover=HANDOVER_LAWYER,
    ),
)

PACKS: dict[str, Pack] = {
    pack.code: validate_pack(pack)
    for pack in (
        _INTL,
        Pack(
            code="de",
            name="Germany",
            country="DE",
            lang=_DE,
            levels=_GERMANY_LEVELS,
            rule_b2b="de_b2b",
            rule_b2c="de_b2c",
            consumer_fee_cap=Decimal("2.50"),
            summary="Reminder without costs, then Mahnung and letzte Mahnung with "
            "interest (base rate + 9 / + 5), the EUR 40 Pauschale for businesses "
            "only, consumer fees capped at the real cost; Mahnbescheid as the last "
            "step.",
            sources=(
                "§§ 247, 286, 288, 289, 309 Nr. 5 BGB",
                "§ 688 ZPO",
                "§ 37a HGB, § 35a GmbHG (letter mentions)",
            ),
        ),
        Pack(
            code="fr",
            name="France",
            country="FR",
            lang=_FR,
            levels=_FRANCE_LEVELS,
            rule_b2b="fr_b2b",
            rule_b2c="fr_b2c",
            summary="Relance, deuxième relance and mise en demeure; businesses "
            "owe ECB + 10 and EUR 40, stated on their letters; consumers no "
            "collection costs, and the mise en demeure makes the taux légal run.",
            sources=(
                "Art. L441-10, D441-5 Code de commerce",
                "Art. L313-2 Code monétaire et financier",
                "Art. 1231-6, 1344 Code civil",
                "Art. L111-8 Code des procédures civiles d'exécution",
            ),
        ),
        Pack(
            code="nl",
            name="Netherlands",
            country="NL",
            lang=_NL,
            levels=_NETHERLANDS_LEVELS,
            rule_b2b="nl_b2b",
            rule_b2c="nl_b2c",
            summary="Businesses: wettelijke handelsrente compounded yearly and EUR "
            "40. Consumers: the 14-day letter stating the exact BIK costs, charged "
            "only once its term has passed.",
            sources=(
                "Art. 6:96, 6:119, 6:119a BW",
                "Besluit vergoeding voor buitengerechtelijke incassokosten",
            ),
        ),
        Pack(
            code="uk",
            name="United Kingdom",
            country="GB",
            lang=_EN,
            levels=_UK_LEVELS,
            rule_b2b="uk_b2b",
            summary="Businesses: statutory interest (Bank Rate + 8) and fixed sums. "
            "Consumers: a letter of claim under the Pre-Action Protocol for Debt "
            "Claims with 30 days to reply before any claim.",
            sources=(
                "Late Payment of Commercial Debts (Interest) Act 1998",
                "Pre-Action Protocol for Debt Claims",
                "Companies Act 2006 s. 82 (letter mentions)",
            ),
        ),
        Pack(
            code="us_ca",
            name="United States (California)",
            country="US",
            state="CA",
            lang=_EN,
            levels=_CALIFORNIA_LEVELS,
            contact_hours=(8, 21),
            summary="No fee or interest; calls and texts only between 8:00 and "
            "21:00 in the customer's time zone; texts announce only the steps "
            "that follow.",
            sources=(
                "Cal. Civ. Code §§ 1788.10-1788.17 (Rosenthal Act)",
                "15 U.S.C. §§ 1692c(a)(1), 1692e",
            ),
        ),
        Pack(
            code="at",
            name="Austria",
            country="AT",
            lang=_DE,
            levels=_AUSTRIA_LEVELS,
            rule_b2b="at_b2b",
            summary="Zahlungserinnerung, Mahnung, letzte Mahnung; businesses owe "
            "the OeNB base rate + 9.2 and EUR 40.",
            sources=("§§ 456, 458 UGB", "§ 1000 ABGB"),
        ),
        Pack(
            code="ch",
            name="Switzerland",
            country="CH",
            lang=_DE,
            levels=_SWITZERLAND_LEVELS,
            rule_b2b="ch",
            rule_b2c="ch",
            summary="Reminders with 5 % default interest; Betreibung as the last step.",
            sources=("Art. 102, 104 OR", "Art. 67 SchKG"),
        ),
        Pack(
            code="es",
            name="Spain",
            country="ES",
            lang=_ES,
            levels=_SPAIN_LEVELS,
            rule_b2b="es_b2b",
            summary="Recordatorio, segundo aviso, requerimiento; businesses owe "
            "ECB + 8 and EUR 40; monitorio as the last step.",
            sources=("Ley 3/2004, art. 7 and 8", "Art. 1100, 1108 Código Civil"),
        ),
        Pack(
            code="it",
            name="Italy",
            country="IT",
            lang=_IT,
            levels=_ITALY_LEVELS,
            rule_b2b="it_b2b",
            summary="Sollecito, secondo sollecito, diffida ad adempiere (15 days); "
            "businesses owe ECB + 8 and EUR 40.",
            sources=("D.Lgs. 231/2002, art. 5 and 6", "Art. 1454 Codice civile"),
        ),
        Pack(
            code="vn",
            name="Vietnam",
            country="VN",
            lang=_VI,
            levels=_VIETNAM_LEVELS,
            rule_b2b="vn_commercial",
            rule_b2c="vn_civil",
            currency_digits=0,
            summary="Formal Vietnamese wording; 10 % civil interest, the commercial "
            "rate between traders; the last level hands over to a lawyer or court, "
            "never a collection agency; amounts in whole dong and in words.",
            sources=(
                "Civil Code 2015 art. 357, 468",
                "Commercial Law 2005 art. 306",
                "Law on Investment 2020 art. 6(1)(h) and Appendix IV",
            ),
        ),
    )
}
"""The shipped packs, by code."""
