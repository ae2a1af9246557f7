"""Reading bank statements: each format from a file as banks write it, and bad files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from models.bank_formats import StatementRefused, credit_hash, read_statement
from models.kinds import BankFormat

OFX_SGML = """OFXHEADER:100
DATA:OFXSGML
VERSION:102
SECURITY:NONE
ENCODING:USASCII
CHARSET:1252
COMPRESSION:NONE
OLDFILEUID:NONE
NEWFILEUID:NONE

<OFX>
<SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS>
<DTSERVER>20261201120000<LANGUAGE>ENG</SONRS></SIGNONMSGSRSV1>
<BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>
<STMTRS><CURDEF>GBP
<BANKACCTFROM><BANKID>123456<ACCTID>12345678<ACCTTYPE>CHECKING</BANKACCTFROM>
<BANKTRANLIST><DTSTART>20261101<DTEND>20261130
<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20261105<TRNAMT>120.50<FITID>20261105-A1
<NAME>ACME LTD<MEMO>INV 0042 THANK YOU
</STMTTRN>
<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20261106<TRNAMT>-20.00<FITID>20261106-A2<NAME>SHOP
</STMTTRN>
<STMTTRN><TRNTYPE>DIRECTDEP<DTPOSTED>20261107120000<TRNAMT>1,000.00<FITID>B7<NAME>Bolt & Co
</STMTTRN>
</BANKTRANLIST><LEDGERBAL><BALAMT>100.50<DTASOF>20261130</LEDGERBAL>
</STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>
"""

OFX_XML = """<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<?OFX OFXHEADER="200" VERSION="220" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?>
<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS>
<DTSERVER>20261201120000</DTSERVER><LANGUAGE>ENG</LANGUAGE></SONRS></SIGNONMSGSRSV1>
<BANKMSGSRSV1><STMTTRNRS><TRNUID>1</TRNUID><STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY>
</STATUS><STMTRS><CURDEF>USD</CURDEF><BANKACCTFROM><BANKID>021000021</BANKID>
<ACCTID>99887766</ACCTID><ACCTTYPE>CHECKING</ACCTTYPE></BANKACCTFROM><BANKTRANLIST>
<DTSTART>20261101</DTSTART><DTEND>20261130</DTEND>
<STMTTRN><TRNTYPE>CREDIT</TRNTYPE><DTPOSTED>20261110</DTPOSTED><TRNAMT>75.00</TRNAMT>
<FITID>X-1</FITID><NAME>Jane Smith</NAME><MEMO>Invoice 17</MEMO></STMTTRN>
</BANKTRANLIST><LEDGERBAL><BALAMT>75.00</BALAMT><DTASOF>20261130</DTASOF></LEDGERBAL>
</STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>
"""


def camt(entries: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
 <BkToCstmrStmt><GrpHdr><MsgId>MSG1</MsgId><CreDtTm>2026-12-01T08:00:00</CreDtTm></GrpHdr>
  <Stmt><Id>STMT-1</Id><Acct><Id><IBAN>DE02120300000000202051</IBAN></Id><Ccy>EUR</Ccy></Acct>
   {entries}
  </Stmt></BkToCstmrStmt></Document>"""


BATCH = """
   <Ntry><Amt Ccy="EUR">300.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
    <BookgDt><Dt>2026-11-12</Dt></BookgDt><ValDt><Dt>2026-11-12</Dt></ValDt>
    <AcctSvcrRef>BATCH-9</AcctSvcrRef>
    <NtryDtls><Btch><NbOfTxs>2</NbOfTxs></Btch>
     <TxDtls><Refs><AcctSvcrRef>TX-1</AcctSvcrRef><EndToEndId>E2E-1</EndToEndId></Refs>
      <AmtDtls><TxAmt><Amt Ccy="EUR">100.00</Amt></TxAmt></AmtDtls>
      <RltdPties><Dbtr><Nm>Müller GmbH</Nm></Dbtr>
       <DbtrAcct><Id><IBAN>DE89 3704 0044 0532 0130 00</IBAN></Id></DbtrAcct></RltdPties>
      <RmtInf><Ustrd>RE 2026-0042</Ustrd></RmtInf></TxDtls>
     <TxDtls><Refs><EndToEndId>E2E-2</EndToEndId></Refs>
      <AmtDtls><TxAmt><Amt Ccy="EUR">200.00</Amt></TxAmt></AmtDtls>
      <RltdPties><Dbtr><Nm>Dupont SARL</Nm></Dbtr></RltdPties>
      <RmtInf><Strd><CdtrRefInf><Ref>RF18539007547034</Ref></CdtrRefInf></Strd></RmtInf>
     </TxDtls></NtryDtls></Ntry>
   <Ntry><Amt Ccy="EUR">50.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts>
    <BookgDt><Dt>2026-11-13</Dt></BookgDt><AcctSvcrRef>OUT-1</AcctSvcrRef></Ntry>
   <Ntry><Amt Ccy="EUR">80.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
    <BookgDt><Dt>2026-11-14</Dt></BookgDt>
    <NtryDtls><TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
     <RmtInf><Ustrd>Rossi</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"""

MT940 = """:20:STARTUMSE
:25:10020030/1234567
:28C:00000/001
:60F:C261101EUR1000,00
:61:2611051105C120,50NTRFNONREF//BANKREF1
:86:166?00GUTSCHRIFT?20INV-0042 Rechnung?21 vom Oktober und?22 November?31DE893704004405
32013000?32ACME GMBH
:61:2611061106D20,00NTRFNONREF//BANKREF2
:86:Debit text
:61:2611071107C99,00NTRFNONREF
:86:Payment for order 7 from
 Hans Meyer, second line
:62F:C261130EUR1199,50
-
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_ofx_sgml_without_closing_tags_gives_its_credits_only(tmp_path: Path) -> None:
    statement = read_statement(write(tmp_path, "nov.ofx", OFX_SGML.replace(
        "<TRNAMT>1,000.00", "<TRNAMT>1000.00")))
    assert statement.format is BankFormat.OFX and statement.currency == "GBP"
    assert [(c.bank_id, c.booked_on, c.amount_minor, c.payer_name, c.text)
            for c in statement.credits] == [
        ("12345678:20261105-A1", dt.date(2026, 11, 5), 12050, "ACME LTD",
         "INV 0042 THANK YOU"),
        ("12345678:B7", dt.date(2026, 11, 7), 100000, "Bolt & Co", "")]


def test_ofx_xml_is_read_too(tmp_path: Path) -> None:
    statement = read_statement(write(tmp_path, "nov.qfx", OFX_XML))
    assert statement.currency == "USD"
    (credit,) = statement.credits
    assert (credit.bank_id, credit.amount_minor, credit.payer_name, credit.text) == (
        "99887766:X-1", 7500, "Jane Smith", "Invoice 17")


def test_camt_batched_entries_give_one_credit_per_payer(tmp_path: Path) -> None:
    statement = read_statement(write(tmp_path, "camt053.xml", camt(BATCH)))
    assert statement.format is BankFormat.CAMT and statement.currency == "EUR"
    first, second, third = statement.credits
    assert (first.bank_id, first.amount_minor, first.payer_name, first.payer_iban,
            first.text) == ("DE02120300000000202051:TX-1", 10000, "Müller GmbH",
                            "DE89370400440532013000", "RE 2026-0042")
    assert (second.bank_id, second.amount_minor, second.text) == (
        "DE02120300000000202051:BATCH-9/2", 20000, "RF18539007547034")
    assert third.booked_on == dt.date(2026, 11, 14) and third.amount_minor == 8000
    assert third.text == "Rossi"
    assert third.bank_id == credit_hash(third.booked_on, 8000, "EUR", " Rossi")


def test_mt940_joins_multi_line_details_and_keeps_credits(tmp_path: Path) -> None:
    statement = read_statement(write(tmp_path, "nov.sta", MT940))
    assert statement.format is BankFormat.MT940 and statement.currency == "EUR"
    first, second = statement.credits
    assert first.bank_id == "10020030/1234567:mt940:BANKREF1" and first.amount_minor == 12050
    assert "INV-0042 Rechnung vom Oktober und November" in first.text
    assert first.payer_name == "ACME GMBH" and first.payer_iban == "DE89370400440532013000"
    assert second.bank_id.startswith("hash:") and second.amount_minor == 9900
    assert "Hans Meyer" in second.text


def test_the_same_credit_read_again_has_the_same_id(tmp_path: Path) -> None:
    once = read_statement(write(tmp_path, "a.sta", MT940))
    again = read_statement(write(tmp_path, "b.sta", MT940))
    assert [c.bank_id for c in once.credits] == [c.bank_id for c in again.credits]


@pytest.mark.parametrize(("name", "text", "words"), [
    ("notes.txt", "Dear bank, please pay.", "does not recognise"),
    ("cut.xml", camt(BATCH)[:700], "cut short"),
    ("bomb.xml", '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><Document '
                 'xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'
                 '&a;</BkToCstmrStmt></Document>', "not a whole CAMT.053"),
    ("old.xml", camt(BATCH.replace("2026-11-12", "1899-11-12")), "must lie between"),
    ("twice.ofx", OFX_SGML.replace("<FITID>B7", "<FITID>20261105-A1"), "twice"),
    ("empty.ofx", "  \n", "empty"),
])
def test_bad_statements_are_refused_in_words(tmp_path: Path, name: str, text: str,
                                             words: str) -> None:
    with pytest.raises(StatementRefused) as refused:
        read_statement(write(tmp_path, name, text))
    assert words in refused.value.message


def test_a_bank_csv_is_read_with_a_mapping_saved_in_the_import(empty_store: object,
                                                              tmp_path: Path) -> None:
    from models.imports.mappings import save_mapping
    from models.imports.sources import Field, Holds
    save_mapping("My bank", Holds.CUSTOMERS, {Field.CUSTOMER: "Payer", Field.PAID_ON: "Date",
                                               Field.PAID: "Amount", Field.REFERENCE: "Details"})
    path = write(tmp_path, "bank.csv", "Date;Payer;Details;Amount\n"
                                       "05/11/2026;ACME LTD;INV-0042;1.234,50\n"
                                       "06/11/2026;Shop;card;-20,00\n"
                                       "17/11/2026;Bolt & Co;order 7;99,00\n")
    statement = read_statement(path, mapping="My bank", currency="EUR")
    assert statement.format is BankFormat.CSV and statement.currency == "EUR"
    assert [(c.booked_on, c.amount_minor, c.payer_name, c.text) for c in statement.credits] == [
        (dt.date(2026, 11, 5), 123450, "ACME LTD", "INV-0042"),
        (dt.date(2026, 11, 17), 9900, "Bolt & Co", "order 7")]
    assert all(c.bank_id.startswith("hash:") for c in statement.credits)


def test_two_instalments_quoting_one_end_to_end_id_are_two_credits(tmp_path: Path) -> None:
    # The EndToEndId is the payer's: one invoice number on each instalment.
    entry = """<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd>
    <BookgDt><Dt>{day}</Dt></BookgDt><NtryDtls><TxDtls><Refs><EndToEndId>RE-42</EndToEndId>
    </Refs><RmtInf><Ustrd>RE-42</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"""
    statement = read_statement(write(tmp_path, "camt.xml", camt(
        entry.format(amount="100.00", day="2026-11-05")
        + entry.format(amount="150.00", day="2026-11-19"))))
    first, second = statement.credits
    assert first.bank_id != second.bank_id and "RE-42" in first.bank_id
    again = read_statement(write(tmp_path, "again.xml", camt(
        entry.format(amount="150.00", day="2026-11-19"))))
    assert again.credits[0].bank_id == second.bank_id
