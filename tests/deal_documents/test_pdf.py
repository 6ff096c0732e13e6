"""The stage history chart draws one bar per stage the deal went through, from the record
versions the pipeline staged; checked in the PDF a dry run writes."""

import time

import pypdf
import pytest
from salesforce_emulator.client import Control

from tests.deal_warehouse.support import transform, warehouse_settings
from tests.support.pipeline import extract

from .support import LICENSED, build_warehouse, opportunity_id, run_documents, settings_with

pytestmark = pytest.mark.slow

PILOT = "Globex - Pilot"
# The chart's first two bar colours (chart.PALETTE) as reportlab writes them: "r g b rg".
FIRST_BAR, SECOND_BAR = b".305882 .47451 .654902 rg", b".94902 .556863 .168627 rg"


def test_a_stage_change_shows_as_a_second_bar(emulator, warehouse, rule_name, tmp_path):
    build_warehouse(emulator, warehouse)
    pilot = opportunity_id(emulator, PILOT)
    before = emulator.store.con.cursor().execute(
        'select "StageName" from "Opportunity" where "Id" = ?', [pilot]).fetchone()[0]
    after = "Negotiation/Review" if before == "Prospecting" else "Prospecting"  # the org is shared
    Control(emulator.base_url, emulator.ca_path).update("Opportunity", pilot, {"StageName": after})
    time.sleep(1.1)  # a tick reads up to the current second: let the change fall inside it
    settings = warehouse_settings(licensed=LICENSED)
    extract(emulator, warehouse, settings, incremental=True)
    transform(warehouse, settings)

    _, metadata = run_documents(emulator, warehouse, settings_with(
        rule_name, when=f"opportunity_name = '{PILOT}'", dry_run=True,
        output_dir=str(tmp_path)))

    (path,) = tmp_path.glob("*.pdf")
    page = pypdf.PdfReader(path).pages[0]
    text, content = page.extract_text(), page.get_contents().get_data()
    history = text[text.index("Stage history"):text.index("Contacts and roles")]
    assert history.index(before) < history.index(after)
    assert FIRST_BAR in content and SECOND_BAR in content
    assert metadata["would_attach"] == 1
