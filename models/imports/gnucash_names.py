"""GnuCash's own words for reading its CSV transaction export when GnuCash runs in
another language: the column names it writes, per language, and the names GnuCash gives
the receivable account. One table, read both by the preset's recognition
(``sources.GNUCASH_CSV``) and by the reader (``gnucash_csv.py``).

Where the words come from (none is written here from memory; see docs/decisions.md,
"Importing"):

- the header row is ``csv_transactions_export`` in GnuCash's
  gnucash/import-export/csv-exp/csv-transactions-export.cpp (``.c`` before 5.0), each
  name through ``_()`` with no msgctxt;
- every name, from GnuCash 4.13's translations as compiled into Debian's gnucash-common
  1:4.13-1 (/usr/share/locale/*/LC_MESSAGES/gnucash.mo, "Project-Id-Version: GnuCash
  4.13-pre1"), which leave out fuzzy entries as GnuCash does;
- the names that are the export's own (Transaction ID, Commodity/Currency, Void Reason,
  Full Account Name, the Amount and Value columns, Reconcile Date, Rate/Price), also
  from GnuCash 5.10's po/*.po ("Project-Id-Version: GnuCash 5.10", POT-Creation-Date
  2024-12-08), read at commit 32c5ca5970a97b8df5e0b28a4530682b3caf69fc (de, fr, es, nl,
  pl, pt), 04bb488e7642ae16e4810ee1ab642b23deca2014 (it, pt_BR, bg) and
  600721b23ace5ecf631ea7c03250def0696c165a (nb, el) of sysfce2/gnucash, a mirror of
  Gnucash/gnucash (whose own snapshot was too large to fetch).
  The names both versions share (Date, Number, Description, Notes, Action, Memo,
  Account Name, Reconcile) are 4.13's: 5.10's were not checked.

A po entry marked fuzzy or left empty is not used: GnuCash writes the English then, so a
header a language does not list is written in English, and a tuple holds the English
where one version had no translation and the other has. For the same reason an English
name is taken in a file of any language: a version that lost a translation writes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from models.imports.table import normal_name

EXPORT_HEADER = (
    "Date", "Transaction ID", "Number", "Description", "Notes", "Commodity/Currency",
    "Void Reason", "Action", "Memo", "Full Account Name", "Account Name", "Amount With Sym",
    "Amount Num.", "Value With Sym", "Value Num.", "Reconcile", "Reconcile Date",
    "Rate/Price")
"""The full layout's header row in English, in GnuCash's order. A book that keeps the
transaction number in the split's action field writes "Transaction Number" for "Number"
and "Number/Action" for "Action"."""

# Language (GnuCash's po file) -> English header -> the names GnuCash writes for it,
# 4.13's first, then 5.10's where it differs. German 5.10 writes "Wert mit Symbol" and
# "Wert numerisch." for both the Amount and the Value columns, Portuguese 5.10
# "Valor com símbolo" for both "With Sym" columns: GnuCash's own duplicates.
TRANSLATED: dict[str, dict[str, tuple[str, ...]]] = {
    "de": {
        "Date": ("Datum",),
        "Transaction ID": ("BuchungsID",),
        "Number": ("Nummer",),
        "Transaction Number": ("Buchungsnummer",),
        "Description": ("Beschreibung",),
        "Notes": ("Bemerkungen",),
        "Commodity/Currency": ("Währung/Wertpapier",),
        "Void Reason": ("Stornierungsbegründung",),
        "Action": ("Aktion",),
        "Number/Action": ("Nummer/Aktion",),
        "Memo": ("Buchungstext",),
        "Full Account Name": ("Volle Kontobezeichnung",),
        "Account Name": ("Kontobezeichnung",),
        "Amount With Sym": ("Wert mit Symbol",),
        "Amount Num.": ("Wert numerisch", "Wert numerisch."),
        "Value With Sym": ("Value With Sym", "Wert mit Symbol"),
        "Value Num.": ("Value Num.", "Wert numerisch."),
        "Reconcile": ("Abgleichen",),
        "Reconcile Date": ("Datum des Abgleichs",),
        "Rate/Price": ("Kurs/Preis",),
    },
    "fr": {
        "Transaction ID": ("Id de la transaction",),
        "Number": ("Numéro",),
        "Transaction Number": ("Numéro de transaction",),
        "Commodity/Currency": ("Bien/Devise", "Produit/Devise"),
        "Void Reason": ("Raison invalide",),
        "Number/Action": ("Numéro/Action",),
        "Memo": ("Mémo",),
        "Full Account Name": ("Le nom complet du compte",),
        "Account Name": ("Nom du compte",),
        "Amount With Sym": ("Compte avec symbole",),
        "Amount Num.": ("Montant (num.)", "Montant Num."),
        "Value With Sym": ("Value With Sym", "Valeur avec symbole"),
        "Value Num.": ("Value Num.", "Valeur Num."),
        "Reconcile": ("Rapprocher",),
        "Reconcile Date": ("Date de rapprochement",),
        "Rate/Price": ("Taux/Prix",),
    },
    "es": {
        "Date": ("Fecha",),
        "Transaction ID": ("ID Transacción",),
        "Number": ("Número",),
        "Transaction Number": ("Número Transaccional",),
        "Description": ("Descripción",),
        "Notes": ("Anotaciones",),
        "Commodity/Currency": ("Acción/Moneda",),
        "Void Reason": ("Razón vacío",),
        "Action": ("Operación",),
        "Number/Action": ("Número/Operación",),
        "Memo": ("Memorándum",),
        "Full Account Name": ("Nombre Completo de Cuenta",),
        "Account Name": ("Nombre de Cuenta",),
        "Amount With Sym": ("Cantidad con Sym",),
        "Amount Num.": ("Num. Cantidad.",),
        "Value With Sym": ("Value With Sym", "Valor con símbolo"),
        "Value Num.": ("Value Num.", "Valor Núm."),
        "Reconcile": ("Conciliar",),
        "Reconcile Date": ("Fecha Conciliada",),
        "Rate/Price": ("Tipo/Precio",),
    },
    "it": {
        "Date": ("Data",),
        "Transaction ID": ("ID transazione",),
        "Number": ("Numero",),
        "Transaction Number": ("Numero della transazione",),
        "Description": ("Descrizione",),
        "Notes": ("Note",),
        "Commodity/Currency": ("Commodity/Valuta",),
        "Void Reason": ("Motivo annullamento",),
        "Action": ("Operazione",),
        "Number/Action": ("Numero/Operazione",),
        "Memo": ("Promemoria",),
        "Full Account Name": ("Nome completo del conto",),
        "Account Name": ("Nome del conto",),
        "Amount With Sym": ("Importo con Sim", "Importo con Simb"),
        "Amount Num.": ("Importo Num.",),
        "Value With Sym": ("Value With Sym", "Valore con Simb"),
        "Value Num.": ("Value Num.", "Valore Num."),
        "Reconcile": ("Riconcilia",),
        "Reconcile Date": ("Data di riconciliazione",),
        "Rate/Price": ("Tasso/Prezzo",),
    },
    "nl": {
        "Date": ("Datum",),
        "Transaction ID": ("Boeking ID",),
        "Number": ("Nummer",),
        "Transaction Number": ("Boekstuknummer",),
        "Description": ("Omschrijving",),
        "Notes": ("Toelichting",),
        "Commodity/Currency": ("Effect/valuta/munt",),
        "Void Reason": ("Reden voor storno",),
        "Action": ("Actie",),
        "Number/Action": ("Nummer/actie",),
        "Full Account Name": ("Volledige rekeningnaam",),
        "Account Name": ("Rekeningnaam",),
        "Amount With Sym": ("Bedrag met sym",),
        "Amount Num.": ("Bedrag num.",),
        "Value With Sym": ("Value With Sym", "Waarde met sym"),
        "Value Num.": ("Value Num.", "Waarde num."),
        "Reconcile": ("Afstemmen",),
        "Reconcile Date": ("Datum van afstemming",),
        "Rate/Price": ("Koers/prijs",),
    },
    "pl": {
        "Date": ("Data",),
        "Number": ("Liczba",),
        "Transaction Number": ("Numer transakcji",),
        "Description": ("Opis",),
        "Notes": ("Notatki",),
        "Commodity/Currency": ("Typ środków/Waluta",),
        "Action": ("Akcja",),
        "Number/Action": ("Liczba/Akcja",),
        "Memo": ("Notatka",),
        "Account Name": ("Nazwa konta",),
        "Value Num.": ("Value Num.", "Wartość num."),
        "Reconcile": ("Uzgodnij",),
        "Reconcile Date": ("Reconcile Date", "Data uzgodnienia"),
    },
    "pt": {
        "Date": ("Data",),
        "Transaction ID": ("Id de transacção",),
        "Number": ("Número",),
        "Transaction Number": ("Número de transacção",),
        "Description": ("Descrição",),
        "Notes": ("Notas",),
        "Commodity/Currency": ("Mercadoria/Moeda",),
        "Void Reason": ("Motivo para anular",),
        "Action": ("Acção",),
        "Number/Action": ("Número/Acção",),
        "Memo": ("Nota",),
        "Full Account Name": ("Nome completo de conta",),
        "Account Name": ("Nome da conta",),
        "Amount With Sym": ("Valor com símbolo",),
        "Amount Num.": ("Montante nº.",),
        "Value With Sym": ("Value With Sym", "Valor com símbolo"),
        "Value Num.": ("Value Num.", "Valor num."),
        "Reconcile": ("Reconciliar",),
        "Reconcile Date": ("Data de reconciliação",),
        "Rate/Price": ("Taxa/Preço",),
    },
    "pt_BR": {
        "Date": ("Data",),
        "Transaction ID": ("ID da transação",),
        "Number": ("Número",),
        "Transaction Number": ("Número da transação",),
        "Description": ("Descrição",),
        "Notes": ("Notas",),
        "Commodity/Currency": ("Commodity/Moeda",),
        "Void Reason": ("Motivo da anulação",),
        "Action": ("Ação",),
        "Number/Action": ("Número/Ação",),
        "Memo": ("Comentário",),
        "Full Account Name": ("Nome completo da conta",),
        "Account Name": ("Nome da conta",),
        "Amount With Sym": ("Quantidade com Sym",),
        "Amount Num.": ("Quantidade Num.",),
        "Value With Sym": ("Value With Sym", "Valor com Sym"),
        "Value Num.": ("Value Num.", "Valor Num."),
        "Reconcile": ("Reconcilie",),
        "Reconcile Date": ("Data de reconciliação",),
        "Rate/Price": ("Taxa/Preço",),
    },
    "nb": {
        "Date": ("Dato",),
        "Number": ("Nummer",),
        "Transaction Number": ("Transaksjonsnummer",),
        "Description": ("Beskrivelse",),
        "Notes": ("Merknader",),
        "Action": ("Handling",),
        "Number/Action": ("Nummer/handling",),
        "Memo": ("Notat",),
        "Full Account Name": ("Full Account Name", "Fullt Kontonavn"),
        "Account Name": ("Kontonavn",),
        "Amount With Sym": ("Amount With Sym", "Beløp med sym"),
        "Amount Num.": ("Amount Num.", "Beløp Num."),
        "Value With Sym": ("Value With Sym", "Verdi med sym"),
        "Value Num.": ("Value Num.", "Verdi Num."),
        "Reconcile": ("Avstemme",),
    },
    "el": {
        "Date": ("Ημερομηνία",),
        "Number": ("Αριθμός",),
        "Transaction Number": ("Αριθμός συναλλαγής",),
        "Description": ("Περιγραφή",),
        "Notes": ("Σημειώσεις",),
        "Action": ("Ενέργεια",),
        "Memo": ("Υπόμνημα",),
        "Account Name": ("Όνομα λογαριασμού",),
        "Reconcile": ("Επαλήθευση",),
    },
    "bg": {
        "Date": ("Дата",),
        "Number": ("Брой",),
        "Description": ("Описание",),
        "Notes": ("Бележки",),
        "Action": ("Действие",),
        "Memo": ("Записка",),
        "Account Name": ("Име на сметка",),
        "Reconcile": ("Сверяване",),
    },
}

# Language -> names of the receivable account: the po's "Accounts Receivable" (the label
# GnuCash's reports give the receivable accounts; 4.13), then the receivable account of
# GnuCash's own account templates for that language (data/accounts/<locale>/
# acctchrt_*.gnucash-xea in 4.13: business charts, and Germany's SKR03/SKR04).
# Matched, like the English word, anywhere in the account's full name.
RECEIVABLE_NAMES: dict[str, tuple[str, ...]] = {
    "en": ("Receivable",),  # "Accounts Receivable" (C/acctchrt_business), "A/Receivable"
    "de": ("Forderungen Konten",
           "Forderungen",  # de_AT business
           "Forderungen aus Lieferungen und Leistungen",  # de_DE SKR04, de_CH KMU
           "Ford. a. Lieferungen und Leistungen"),  # de_DE SKR03 1400
    "fr": ("Comptes clients", "Compte à recevoir"),  # fr_FR, fr_BE, fr_CH business
    "es": ("Cuentas Cobrables",),
    "it": ("Conti Clienti",),
    "nl": ("Debiteuren",),
    "pl": ("Konta należności", "Należności"),  # pl business
    "pt": ("Contas a receber", "Contas A/Receber"),  # pt_PT business
    "pt_BR": ("Contas a receber",),
    "nb": ("Utestående fordringer",),  # also nb business
    "el": ("Λογαριασμοί εισπρακτέοι",),
    "bg": ("Разчети с клиенти",),
}

LANGUAGES: tuple[str, ...] = ("en", *TRANSLATED)
"""The languages Duly reads the export in, English first."""

_ALL_HEADERS = (*EXPORT_HEADER, "Transaction Number", "Number/Action")
# What Duly reads, each group one column: a header row must name all of them.
_NEEDED = (("Date",), ("Transaction ID",), ("Number", "Transaction Number"),
           ("Description",), ("Full Account Name",), ("Value Num.",))


def names(language: str, header: str) -> tuple[str, ...]:
    """The names GnuCash writes in ``language`` for the English ``header``."""
    return TRANSLATED.get(language, {}).get(header, (header,))


def every_name(*headers: str) -> tuple[str, ...]:
    """Every name of these English headers in every language, without repeats."""
    found = (name for header in headers for language in LANGUAGES
             for name in names(language, header))
    return tuple(dict.fromkeys(found))


_KNOWN = frozenset(normal_name(name) for name in every_name(*_ALL_HEADERS))


@dataclass(frozen=True)
class ExportLayout:
    """A header row read as GnuCash's transaction export: its language, and the file's
    column for each English header it has."""

    language: str
    columns: dict[str, str]


def export_layout(header: Sequence[str]) -> ExportLayout | None:
    """The header row as GnuCash's full-layout transaction export in one language: every
    column Duly reads named in that language (or in English, as GnuCash writes what it
    has no translation for), and no column named in another language (a row that mixes
    two is not GnuCash's). None when no language fits."""
    cells = {normal_name(cell): cell for cell in header if cell.strip()}
    for language in LANGUAGES:
        own = {normal_name(name) for english in _ALL_HEADERS
               for name in (*names(language, english), english)}
        if any(cell in _KNOWN and cell not in own for cell in cells):
            continue
        columns: dict[str, str] = {}
        for english in _ALL_HEADERS:
            # The first name the row has: a version's own name before another's.
            present = [cells[normal_name(n)] for n in (*names(language, english), english)
                       if normal_name(n) in cells]
            if present:
                columns[english] = present[0]
        if all(any(one in columns for one in group) for group in _NEEDED):
            return ExportLayout(language, columns)
    return None


def is_export(header: Sequence[str]) -> bool:
    """Whether the header row is GnuCash's transaction export in a language Duly knows."""
    return export_layout(header) is not None


def is_receivable(account: str) -> bool:
    """Whether a full account name names the receivable account, in any language."""
    folded = account.casefold()
    return any(name.casefold() in folded for spelled in RECEIVABLE_NAMES.values()
               for name in spelled)
