"""Bank statements as the demo company's bank would export them, for the tests and the
guide's screenshot of the review."""

from __future__ import annotations


def ofx(*credits: tuple[str, str, str, str, str]) -> str:
    """An OFX 1.x statement in GBP, as UK banks export it (SGML, no closing tags), of
    credits (day, amount, bank id, payer, memo)."""
    lines = "".join(f"<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>{day}<TRNAMT>{amount}<FITID>{fitid}"
                    f"<NAME>{payer}<MEMO>{memo}\n</STMTTRN>\n"
                    for day, amount, fitid, payer, memo in credits)
    return ("OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\n"
            "CHARSET:1252\nCOMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n<OFX>\n"
            "<SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS>\n"
            "<DTSERVER>20261124120000<LANGUAGE>ENG</SONRS></SIGNONMSGSRSV1>\n"
            "<BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>\n"
            "<STMTRS><CURDEF>GBP\n"
            "<BANKACCTFROM><BANKID>601613<ACCTID>31926819<ACCTTYPE>CHECKING</BANKACCTFROM>\n"
            "<BANKTRANLIST><DTSTART>20261101<DTEND>20261124\n" + lines +
            "</BANKTRANLIST><LEDGERBAL><BALAMT>0.00<DTASOF>20261124</LEDGERBAL>\n"
            "</STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n")


FENWICK_PAYS = ("20261123", "143.25", "NOV-1", "FENWICK LTD", "INV 22 THANK YOU")
STRANGER = ("20261124", "55.00", "NOV-3", "ZEBRA IMPORTS", "REFUND 118")
# Names Ashworth as payer, with Hughes' invoice number in the text: two candidates.
TWO_CANDIDATES = ("20261123", "50.00", "NOV-2", "ASHWORTH LTD", "INV 5 PART")

# What the guide's picture of the review shows: two sure, two suggested, two unmatched.
GUIDE_CREDITS = (FENWICK_PAYS, ("20261123", "232.50", "NOV-4", "CAMPBELL LTD", "INV-0000603"),
                 TWO_CANDIDATES, ("20261124", "250.00", "NOV-5", "HUGHES LIMITED", "ON ACCOUNT"),
                 STRANGER, ("20261124", "1200.00", "NOV-6", "HMRC", "VAT REPAYMENT 2026Q3"))
