"""Choosing files: a store to open, where a new store goes, a logo image, a bank
statement.

Thin wrappers over ``QFileDialog`` so callers read simply and tests can
replace them.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

STORE_FILTER = "Duly stores (*.sqlite);;All files (*)"
LOGO_FILTER = "Images (*.png *.jpg *.jpeg)"
BACKUP_FILTER = "Duly backups (*.sqlite);;All files (*)"


def choose_store_to_open(parent: QWidget, folder: Path) -> Path | None:
    """Ask which store file to open; None if the user cancels."""
    name, _ = QFileDialog.getOpenFileName(parent, "Open a Duly store", str(folder), STORE_FILTER)
    return Path(name) if name else None


def choose_new_store_path(parent: QWidget, folder: Path) -> Path | None:
    """Ask where a new store should be kept; None if the user cancels."""
    name, _ = QFileDialog.getSaveFileName(
        parent, "Where should Duly keep your company?", str(folder / "my-company.sqlite"),
        STORE_FILTER, options=QFileDialog.Option.DontConfirmOverwrite)
    if not name:
        return None
    path = Path(name)
    return path if path.suffix else path.with_suffix(".sqlite")


def choose_logo(parent: QWidget, folder: Path) -> Path | None:
    """Ask for a logo image; None if the user cancels."""
    name, _ = QFileDialog.getOpenFileName(parent, "Choose your logo", str(folder), LOGO_FILTER)
    return Path(name) if name else None


def choose_backup_to_restore(parent: QWidget, folder: Path) -> Path | None:
    """Ask which backup to restore; None if the user cancels."""
    name, _ = QFileDialog.getOpenFileName(parent, "Restore a Backup", str(folder),
                                          BACKUP_FILTER)
    return Path(name) if name else None


def choose_export_path(parent: QWidget, suggested: Path) -> Path | None:
    """Ask where to write the export of all data (a ZIP); None if the user cancels."""
    name, _ = QFileDialog.getSaveFileName(parent, "Export all data", str(suggested),
                                          "ZIP files (*.zip)")
    if not name:
        return None
    return Path(name) if name.endswith(".zip") else Path(f"{name}.zip")


BANK_FILTER = ("Bank statements (*.ofx *.qfx *.xml *.camt *.053 *.sta *.mt940 *.940 *.txt "
               "*.csv);;All files (*)")


def choose_bank_statement(parent: QWidget, folder: Path) -> Path | None:
    """Ask which bank statement to import (OFX/QFX, CAMT.053, MT940 or a bank's CSV);
    None if the user cancels."""
    name, _ = QFileDialog.getOpenFileName(parent, "Import a bank statement", str(folder),
                                          BANK_FILTER)
    return Path(name) if name else None
