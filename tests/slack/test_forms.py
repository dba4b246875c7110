from dataclasses import fields

from bot.calibration.rules import CalibrationRequest
from bot.escalations.rules import EscalationForm
from bot.slack.forms import ESCALATION_FIELDS, REQUEST_FIELDS, field_errors, read_request
from bot.slack.ids import ActionId, BlockId


def test_every_form_field_has_its_block_and_problems_are_shown_under_it():
    assert list(ESCALATION_FIELDS) == [f.name for f in fields(EscalationForm)]
    assert list(REQUEST_FIELDS) == [f.name for f in fields(CalibrationRequest)]
    assert field_errors({"item_ids": "too many", "queue": "pick one"}, fields=REQUEST_FIELDS) == {
        BlockId.CALIBRATION_ITEMS: "too many", BlockId.CALIBRATION_QUEUE: "pick one"}


def test_a_request_left_empty_reads_as_nothing_chosen():
    values = {BlockId.CALIBRATION_ITEMS: {ActionId.FIELD_VALUE: {"type": "plain_text_input", "value": "a\nb, c\na"}}}
    request = read_request({"state": {"values": values}})
    assert request.item_ids == ["a", "b, c"] and request.queue is None and request.count_text == ""
    assert request.people == [] and request.groups == [] and request.due_at is None and request.channel is None
