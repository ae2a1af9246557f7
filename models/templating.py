"""Letter and e-mail templates: merge fields, the checks on saving, rendering in a sandbox.

A template is plain text with merge fields (``{{ customer_name }}``), conditions
(``{% if early_payment_saving %}…{% endif %}``) and one kind of loop, over the
invoice list (``{% for invoice in invoices %}{{ invoice.number }}{% endfor %}``).
Nothing else of Jinja is allowed: no dots except on the loop's invoice, no
square brackets, no calls, no calculations, no other files. The rules are
checked on the template's syntax tree before it is saved and again before each
rendering, and Jinja's immutable sandbox renders it with strict undefined
fields, no globals and a few argument-free filters, so a template can neither
reach an object or a file nor run for long.

What is left to a valid template is repetition: a long field written many
times over, inside a loop over many invoices, made a letter of 345 MB. So the
filling-in is streamed (``Template.generate``) and stops, with a message
naming the template, past :data:`MAX_RENDERED_CHARS` of text or
:data:`MAX_LOOP_STEPS` turns of the invoice loop; memory stays bounded by those.

Jinja is imported where a template is checked or filled in, not with this module: the
models that queue and send letters are also read to show the window's lists, which
never fill one in.
"""

from __future__ import annotations

import functools
import re
import traceback
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, cast

from models.errors import LedgerError

if TYPE_CHECKING:
    import jinja2
    from jinja2 import nodes
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    from models.letter_context import LetterContext

# What the Templates area lists, in this order, with the words it shows.
MERGE_FIELDS: dict[str, str] = {
    "letter_date": "Today's date, e.g. “24 November 2026”",
    "business_name": "Your business's name",
    "business_address": "Your business's postal address",
    "business_email": "Your business's e-mail address",
    "business_phone": "Your business's phone number",
    "business_registration": "Your company and VAT numbers",
    "payment_details": "How to pay you: your bank account for the invoices' currency "
                       "(Settings → Your business)",
    "signatory": "Who signs: the name and position set in Settings → Your business; "
                 "empty when no one is named",
    "customer_name": "The customer's name",
    "customer_code": "The customer's account number with you",
    "customer_address": "The customer's postal address",
    "contact_name": "The customer's billing contact, or “Sir or Madam” when there is none",
    "named_contact": "The billing contact's name; empty when there is none, for a "
                     "greeting of your own: {% if named_contact %} … {% else %} … {% endif %}",
    "invoices": "The invoices, one by one: {% for invoice in invoices %} … {% endfor %}",
    "invoice_count": "How many invoices the letter is about",
    "overdue_count": "How many of them are past their due date",
    "oldest_days_overdue": "How many days the oldest of them is overdue",
    "currency": "The currency of the invoices, e.g. GBP",
    "total_due": "What is open on the invoices and asked for, e.g. “1,234.50 GBP” (any part "
                 "in dispute left out)",
    "total_overdue": "What is open on the invoices past their due date and asked for",
    "early_payment_saving": "“Pay … by … and save …” when an early-payment discount still "
                            "applies; empty otherwise",
    "interest_and_charges": "A sentence on the interest and charges still open on the "
                            "invoices; empty when there are none",
    "charges_total": "The interest and charges still open; empty when there are none",
    "total_with_charges": "What is open on the invoices plus their interest and charges",
    "stage_name": "The follow-up stage this letter is for, e.g. “Final notice”",
    "next_step": "What you will do next if the account is not settled, to follow "
                 "“we will”; may be empty",
    "next_step_date": "The date of that next step; may be empty",
    "in_dispute": "“Of invoice …, … is in dispute and is not asked for here; we will write "
                  "to you about it separately.” when part of an invoice is in dispute; empty "
                  "otherwise",
    "early_payment_amount": "What to pay by the early-payment date to take the discount; "
                            "empty when no discount still applies",
    "early_payment_by": "The last day to pay for the early-payment discount; empty when "
                        "none still applies",
    "early_payment_discount": "What the early-payment discount saves; empty when none "
                              "still applies",
    "settlement_offer": "“If you pay … by …, we will waive the remaining …” while a "
                        "settlement offer is open; empty otherwise",
    "settlement_amount": "What the open settlement offer asks the customer to pay",
    "settlement_by": "The last day of the open settlement offer",
    "loyalty_offer": "“If you pay the … in full by …, we will waive …” while a loyalty "
                     "offer is open; empty otherwise",
    "loyalty_by": "The last day of the open loyalty offer",
    "loyalty_waived": "The fee or interest the open loyalty offer waives",
    "payment_terms": "When your invoices are due, in a sentence: “Our invoices are due for "
                     "payment within 30 days of the invoice date.”",
    "discount_terms": "The early-payment discount of the customer's terms, in a sentence; "
                      "empty when there is none",
    "late_payment_terms": "The interest, compensation and fees late payment carries under the "
                          "customer's credit policy, in sentences; empty when none",
    "terms_summary": "The customer's terms in one line: “Our terms: payment within 30 days of "
                     "the invoice date; …”",
    "how_to_pay": "How to pay you: a sentence asking to quote the account number, with your "
                  "bank account for the customer's currency",
    "thanks_for": "What a thank-you is for, in a sentence (the account paid up, a promise "
                  "kept, a payment plan completed); empty in other letters",
    "instalment_amount": "What is still to pay on the payment plan's instalment a reminder "
                         "is about, e.g. “250.00 GBP”; empty in other letters",
    "instalment_date": "The date that instalment falls due; empty in other letters",
    "instalment_number": "Which instalment of the plan it is: 3 (of 6); empty in other "
                         "letters",
    "instalment_count": "How many instalments the plan has; empty in other letters",
    "plan_reference": "The payment plan's reference for the customer to quote, e.g. "
                      "“PP-000012”; empty in other letters",
    "plan_left": "What is still to pay on the plan in all, that instalment included; empty "
                 "in other letters",
    "plan_grace_until": "The last day the instalment may be paid and the plan kept (its date "
                        "plus the plan's grace); empty in other letters",
}

# The fields of each invoice inside the invoice loop.
INVOICE_FIELDS: dict[str, str] = {
    "number": "The invoice number",
    "issue_date": "The date of the invoice",
    "due_date": "Its due date",
    "amount": "Its amount",
    "open": "What is still open on it and asked for (any part in dispute left out)",
    "days_overdue": "How many days it is overdue (0 if not yet due)",
    "lateness": "How late it is, in words: “22 days overdue”, “due today”, “due in 3 days”",
    "in_dispute": "The part of it in dispute and not asked for, e.g. “120.00 GBP”; empty "
                  "when none is",
}

# Filters that take no argument: none of them can make the text grow much.
SAFE_FILTERS = ("upper", "lower", "capitalize", "title", "trim")

MAX_SUBJECT_CHARS = 500
MAX_BODY_CHARS = 20_000
MAX_DEPTH = 40  # nodes of the syntax tree inside one another
# Filled in: a subject or a text of a million characters is some 300 pages, far past
# any letter; and the invoice loops of one filling-in turn at most this often in
# all (ten loops over 10,000 invoices), so one that writes nothing stops too.
MAX_RENDERED_CHARS = 1_000_000
MAX_LOOP_STEPS = 100_000
_FIELD_WORDS = {"subject": "subject line", "body": "text"}


def check_words(subject: str, text: str, *, email: bool) -> None:
    """Refuse what a customer would receive without its words: an e-mail needs a
    subject, every letter and e-mail its text, within :data:`MAX_BODY_CHARS`."""
    if email and not subject.strip():
        raise LedgerError("subject", "Give the e-mail a subject.")
    noun = "e-mail" if email else "letter"
    if not text.strip():
        raise LedgerError("text", f"Write the {noun}'s text: it is what the customer will "
                                  f"read.")
    if len(text.strip()) > MAX_BODY_CHARS:
        raise LedgerError("text", f"The text is too long: at most {MAX_BODY_CHARS:,} "
                                  f"characters.")

@functools.cache
def _plain_nodes() -> tuple[type[nodes.Node], ...]:
    """Nodes a template may use without further checks on the node itself."""
    from jinja2 import nodes

    return (nodes.Template, nodes.Output, nodes.TemplateData, nodes.If, nodes.Const,
            nodes.Compare, nodes.Operand, nodes.And, nodes.Or, nodes.Not, nodes.CondExpr,
            nodes.Concat)


@functools.cache
def _refused() -> tuple[tuple[type[nodes.Node] | tuple[type[nodes.Node], ...], str], ...]:
    """The nodes refused, with why, in the user's words."""
    from jinja2 import nodes

    return (
        ((nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends),
         "a template cannot include, import or extend another file."),
        ((nodes.Getitem, nodes.Slice),
         "square brackets (“[…]”) cannot be used; inside the invoice loop write invoice.number."),
        ((nodes.Call, nodes.CallBlock),
         "a template cannot call functions or methods (“…(…)”)."),
        ((nodes.BinExpr, nodes.UnaryExpr),
         "a template cannot calculate; use the totals among the merge fields."),
        ((nodes.Assign, nodes.AssignBlock, nodes.With),
         "a template cannot set its own fields; use the merge fields."),
        ((nodes.Macro, nodes.Block),
         "a template cannot define macros or blocks."),
        ((nodes.Test,),
         "“is” tests are not available; write {% if field %} to test whether a field has text."),
        ((nodes.Tuple, nodes.List, nodes.Dict),
         "lists and tables cannot be written in a template."),
    )


class TemplateError(LedgerError):
    """A template that cannot be saved or filled in, with the line and the problem."""

    def __init__(self, field: str, message: str, line: int | None = None) -> None:
        super().__init__(field, message)
        self.line = line


@dataclass(frozen=True)
class RenderedLetter:
    """A template filled in for one customer: the subject line and the text."""

    subject: str
    body: str


class _TooMuch(Exception):
    """The filling-in went past a bound: "text" or "loop"."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


class _CountedInvoices:
    """The invoice list as the template's loops go through it, each turn counted
    against :data:`MAX_LOOP_STEPS` for the whole filling-in."""

    def __init__(self, invoices: Sequence[object]) -> None:
        self._invoices = invoices
        self.steps = 0

    def __iter__(self) -> Iterator[object]:
        for invoice in self._invoices:
            self.steps += 1
            if self.steps > MAX_LOOP_STEPS:
                raise _TooMuch("loop")
            yield invoice

    def __len__(self) -> int:
        return len(self._invoices)


class _Refusal(Exception):
    """What the check found, before it is said for the subject or the body."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def check_template(subject: str, body: str) -> None:
    """Refuse a template that uses anything but the merge fields and the allowed tags.

    Raises :class:`TemplateError` naming "subject" or "body", the line and the problem.
    """
    _check_text("subject", subject, MAX_SUBJECT_CHARS)
    _check_text("body", body, MAX_BODY_CHARS)


def render_letter(subject: str, body: str, context: LetterContext, *,
                  template_name: str = "") -> RenderedLetter:
    """Fill in a template (called ``template_name``, for the messages) for one customer;
    :class:`TemplateError` if it cannot be, or if it would write more than
    :data:`MAX_RENDERED_CHARS` or loop more than :data:`MAX_LOOP_STEPS` times."""
    check_template(subject, body)
    values = {f.name: getattr(context, f.name) for f in fields(context)}
    values["invoices"] = _CountedInvoices(context.invoices)
    bounds = _Bounds(template_name, context.customer_name)
    rendered_subject = _render("subject", subject, values, bounds)
    return RenderedLetter(subject=" ".join(rendered_subject.split()),
                          body=_tidy(_render("body", body, values, bounds)))


@functools.lru_cache(maxsize=256)  # a batch fills the same few templates in hundreds of times
def _check_text(field: str, text: str, limit: int) -> None:
    if len(text) > limit:
        raise TemplateError(field, f"The {_FIELD_WORDS[field]} is longer than {limit:,} "
                                   f"characters; shorten it.")
    import jinja2

    try:
        _check_node(_environment().parse(_as_written(text)), loop_var=None, depth=0)
    except jinja2.TemplateSyntaxError as exc:
        line, problem = _syntax_message(exc, text)
        prefix = f"Line {line}: " if line else ""
        raise TemplateError(field, prefix + problem, line) from None
    except _Refusal as refusal:
        prefix = f"Line {refusal.line}: " if refusal.line else ""
        raise TemplateError(field, prefix + refusal.message, refusal.line) from None
    except RecursionError:
        raise TemplateError(field, f"The {_FIELD_WORDS[field]} nests blocks or brackets too "
                                   f"deeply.") from None


def _check_node(node: nodes.Node, loop_var: str | None, depth: int) -> None:
    """Walk the syntax tree in reading order; raise :class:`_Refusal` at the first misuse."""
    from jinja2 import nodes

    if depth > MAX_DEPTH:
        # Python compiles each nested block one indent deeper, and stops at 100.
        raise _Refusal(node.lineno, "blocks or brackets are nested too deeply here.")
    if isinstance(node, nodes.For):
        _check_loop(node, loop_var, depth)
    elif isinstance(node, nodes.Name):
        _check_name(node, loop_var)
    elif isinstance(node, nodes.Getattr):
        _check_attribute(node, loop_var)
    elif isinstance(node, nodes.Filter):
        _check_filter(node, loop_var, depth)
    elif isinstance(node, _plain_nodes()):
        for child in node.iter_child_nodes():
            _check_node(child, loop_var, depth + 1)
    else:
        raise _Refusal(node.lineno, _refusal_words(node))


def _check_loop(node: nodes.For, loop_var: str | None, depth: int) -> None:
    from jinja2 import nodes

    if loop_var is not None:
        raise _Refusal(node.lineno, "a loop cannot be put inside another loop.")
    target, items = node.target, node.iter
    if not (isinstance(items, nodes.Name) and items.name == "invoices"
            and isinstance(target, nodes.Name)):
        raise _Refusal(node.lineno, "a loop can only go through the invoice list: "
                                    "{% for invoice in invoices %} … {% endfor %}.")
    if node.test is not None or node.recursive:
        raise _Refusal(node.lineno, "write the loop as {% for invoice in invoices %}, "
                                    "and put any condition inside it with {% if %}.")
    name = target.name
    if name in MERGE_FIELDS or name == "loop":
        raise _Refusal(node.lineno, f"“{name}” is already a merge field; name the loop's "
                                    f"invoice differently, e.g. “invoice”.")
    for child in node.body:
        _check_node(child, name, depth + 1)
    for child in node.else_:
        _check_node(child, None, depth + 1)


def _check_name(node: nodes.Name, loop_var: str | None) -> None:
    if node.name == loop_var:
        raise _Refusal(node.lineno, f"write one of the invoice's fields, e.g. "
                                    f"“{{{{ {loop_var}.number }}}}”, not “{{{{ {loop_var} }}}}”.")
    if node.name == "invoices":
        raise _Refusal(node.lineno, "the invoice list can only be used in a loop: "
                                    "{% for invoice in invoices %} … {% endfor %}.")
    if node.name not in MERGE_FIELDS:
        known = [*MERGE_FIELDS, *([loop_var] if loop_var else [])]
        raise _Refusal(node.lineno, f"“{{{{ {node.name} }}}}” is not a merge field."
                                    + _suggestion(node.name, known))


def _check_attribute(node: nodes.Getattr, loop_var: str | None) -> None:
    from jinja2 import nodes

    target = node.node
    if not (loop_var and isinstance(target, nodes.Name) and target.name == loop_var):
        raise _Refusal(node.lineno, f"“{_dotted(node)}” cannot be used: a dot may only follow "
                                    f"the invoice inside the invoice loop, as in "
                                    f"{{% for invoice in invoices %}}{{{{ invoice.number }}}}.")
    if node.attr not in INVOICE_FIELDS:
        known = [f"{loop_var}.{name}" for name in INVOICE_FIELDS]
        raise _Refusal(node.lineno, f"“{loop_var}.{node.attr}” is not a field of an invoice."
                                    + _suggestion(f"{loop_var}.{node.attr}", known))


def _check_filter(node: nodes.Filter, loop_var: str | None, depth: int) -> None:
    if node.name not in SAFE_FILTERS:
        raise _Refusal(node.lineno, f"“|{node.name}” is not available; a field can be "
                                    f"changed with " + ", ".join(f"|{n}" for n in SAFE_FILTERS)
                       + ".")
    if node.args or node.kwargs or node.dyn_args or node.dyn_kwargs:
        raise _Refusal(node.lineno, f"“|{node.name}” takes nothing in brackets.")
    if node.node is not None:
        _check_node(node.node, loop_var, depth + 1)


def _refusal_words(node: nodes.Node) -> str:
    for types, words in _refused():
        if isinstance(node, types):
            return words
    return "this cannot be used in a template; use merge fields, {% if %} and the invoice loop."


def _dotted(node: nodes.Node) -> str:
    from jinja2 import nodes

    if isinstance(node, nodes.Getattr):
        return f"{_dotted(node.node)}.{node.attr}"
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Const):
        return repr(node.value)
    return "…"


def _suggestion(name: str, known: list[str]) -> str:
    import difflib  # only to suggest a name for a mistyped one

    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if close:
        return f" Did you mean “{close[0]}”?"
    return " The merge fields are listed beside the text."


_OPENERS = re.compile(r"{{|{%")
_CLOSERS = {"{{": "}}", "{%": "%}"}
_BLOCKS = {"if": "endif", "for": "endfor"}


def _syntax_message(exc: jinja2.TemplateSyntaxError, source: str) -> tuple[int | None, str]:
    """Jinja's syntax error said in the user's words, with the line it is on: where a
    block was opened rather than where Jinja noticed it was never closed."""
    found = _structure_problem(source)
    if found is not None:
        return found
    line = exc.lineno
    tag = _first_tag(source, line)
    if tag.startswith("{{"):
        return line, (f"Duly cannot read “{tag}”: a merge field is its name alone between "
                      f"“{{{{” and “}}}}”, such as “{{{{ total_due }}}}”; pick one from the list.")
    if tag:
        return line, (f"Duly cannot read “{tag}”: a condition is written like "
                      f"“{{% if overdue_count > 1 %}}” … “{{% endif %}}”.")
    return line, "Duly cannot read this line as template text."


def _structure_problem(source: str) -> tuple[int, str] | None:
    """The first unclosed “{{”/“{%”, empty field, or misplaced or unclosed block, if any."""
    open_blocks: list[tuple[str, int, bool]] = []  # tag, its line, whether "else" was seen
    position = 0
    while (opener := _OPENERS.search(source, position)) is not None:
        line = source.count("\n", 0, opener.start()) + 1
        closer = _CLOSERS[opener.group()]
        end = source.find(closer, opener.end())
        following = _OPENERS.search(source, opener.end())
        if end < 0 or (following is not None and following.start() < end):
            return line, f"“{opener.group()}” is not closed with “{closer}”."
        inside = source[opener.end():end].strip("-+ \t\n")
        position = end + len(closer)
        if opener.group() == "{{":
            if not inside:
                return line, "“{{ }}” holds no merge field; pick one from the list."
            continue
        word = inside.split()[0] if inside else ""
        problem = _block_step(open_blocks, word, line)
        if problem:
            return line, problem
    if open_blocks:
        tag, line, _ = open_blocks[-1]
        return line, (f"this “{{% {tag} %}}” is not closed: add “{{% {_BLOCKS[tag]} %}}” "
                      f"where its text ends.")
    return None


def _block_step(open_blocks: list[tuple[str, int, bool]], word: str, line: int) -> str:
    """Follow one “{% word … %}” through the open blocks; the problem with it, or ""."""
    if word in _BLOCKS:
        open_blocks.append((word, line, False))
        return ""
    inner = open_blocks[-1] if open_blocks else None
    if word in ("elif", "else"):
        if inner is None or (word == "elif" and inner[0] != "if"):
            return f"“{{% {word} %}}” is outside an “{{% if %}}”."
        if inner[2]:
            return f"the “{{% {inner[0]} %}}” of line {inner[1]} already has its “{{% else %}}”."
        if word == "else":
            open_blocks[-1] = (inner[0], inner[1], True)
        return ""
    if word.startswith("end"):
        if inner is None:
            return f"“{{% {word} %}}” closes nothing: there is no “{{% {word[3:]} %}}” open here."
        if _BLOCKS.get(inner[0]) != word:
            return (f"“{{% {word} %}}” cannot close the “{{% {inner[0]} %}}” of line "
                    f"{inner[1]}; that needs “{{% {_BLOCKS[inner[0]]} %}}”.")
        open_blocks.pop()
        return ""
    return (f"“{{% {word} %}}” is not something a template can do; use “{{% if %}}”, "
            f"“{{% elif %}}”, “{{% else %}}” and “{{% for invoice in invoices %}}”.")


def _first_tag(source: str, line: int | None) -> str:
    """The first “{{ … }}” or “{% … %}” on ``line`` of ``source`` ("" if none)."""
    lines = source.split("\n")
    if not line or line > len(lines):
        return ""
    found = re.search(r"{{.*?}}|{%.*?%}", lines[line - 1])
    return found.group() if found else ""


@dataclass(frozen=True)
class _Bounds:
    """Who a filling-in is for, to say which template went past a bound and for whom."""

    template_name: str
    customer_name: str

    def words(self, field: str, kind: str) -> str:
        """The message for going past the text ("text") or loop ("loop") bound."""
        which = (f"The template \u201c{self.template_name}\u201d" if self.template_name
                 else "This template")
        whom = f" for {self.customer_name}" if self.customer_name else ""
        if kind == "loop":
            return (f"{which} goes through the invoice list more than {MAX_LOOP_STEPS:,} "
                    f"times{whom}; use the invoice loop fewer times.")
        return (f"{which} would write more than {MAX_RENDERED_CHARS:,} characters in its "
                f"{_FIELD_WORDS[field]}{whom}, far more than any letter: it repeats long "
                f"fields or the invoice loop too often. Shorten it.")


def _render(field: str, source: str, values: dict[str, object], bounds: _Bounds) -> str:
    """The text filled in, piece by piece, stopping past :data:`MAX_RENDERED_CHARS`."""
    import jinja2

    pieces: list[str] = []
    size = 0
    # Jinja's generate is a generator (its annotation says only Iterator): closed below.
    stream = cast("Generator[str, None, None]", _compiled(_as_written(source)).generate(values))
    try:
        for piece in stream:
            size += len(piece)
            if size > MAX_RENDERED_CHARS:
                raise _TooMuch("text")
            pieces.append(piece)
    except _TooMuch as too_much:
        raise TemplateError(field, bounds.words(field, too_much.kind),
                            _template_line(too_much)) from None
    except (jinja2.TemplateError, ArithmeticError, TypeError, ValueError, SyntaxError,
            RecursionError, MemoryError) as exc:
        line = _template_line(exc)
        prefix = f"Line {line}: " if line else ""
        raise TemplateError(field, f"{prefix}the {_FIELD_WORDS[field]} could not be filled in "
                                   f"({exc}).", line) from None
    finally:
        stream.close()
    return "".join(pieces)


def _template_line(exc: BaseException) -> int | None:
    """The template line Jinja's rewritten traceback points at, if any."""
    lines = [lineno for frame, lineno in traceback.walk_tb(exc.__traceback__)
             if frame.f_code.co_filename == "<template>"]
    return lines[-1] if lines else None


_TAGS = re.compile(r"{%.*?%}|{#.*?#}")


def _as_written(text: str) -> str:
    """The text with a tag that ends a line of text keeping that line's end.

    The environment drops a line that holds only tags (``trim_blocks`` and
    ``lstrip_blocks``), but Jinja would also drop the line end after
    ``…text.{% endif %}``, joining two paragraphs; a ``+%}`` keeps it. The
    number of lines does not change, so error lines stay right.
    """
    lines = text.split("\n")
    for i, line in enumerate(lines):
        end = line.rstrip()
        if (end.endswith("%}") and not end.endswith(("-%}", "+%}"))
                and _TAGS.sub("", line).strip()):
            lines[i] = end[:-2] + "+%}" + line[len(end):]
    return "\n".join(lines)


def _tidy(text: str) -> str:
    """No trailing spaces, at most one blank line in a row, one newline at the end."""
    lines = [line.rstrip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n") + "\n"


@functools.lru_cache(maxsize=1)
def _environment() -> ImmutableSandboxedEnvironment:
    import jinja2
    from jinja2.defaults import DEFAULT_FILTERS
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    # Plain text: no HTML escaping here; the letter PDF escapes for reportlab itself.
    env = ImmutableSandboxedEnvironment(autoescape=False, undefined=jinja2.StrictUndefined,
                                        trim_blocks=True, lstrip_blocks=True)
    env.globals.clear()  # no range, dict, lipsum, cycler, joiner or namespace
    env.filters = {name: DEFAULT_FILTERS[name] for name in SAFE_FILTERS}
    env.tests = {}
    return env


# Room for every template's subject and body in every language of a day's batch.
@functools.lru_cache(maxsize=512)
def _compiled(source: str) -> jinja2.Template:
    return _environment().from_string(source)
