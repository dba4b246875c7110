from bot.slack.limits import block_problems, view_problems


def test_every_limit_is_named():
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}] * 51
    problems = block_problems(blocks)
    assert "51 blocks; at most 50" in problems
    assert "block 0 (section): text of 3001 characters; at most 3000" in problems
    assert block_problems([{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}]) == [
        "block 0 (header): text over 150 characters"]
    assert block_problems([{"type": "image", "alt_text": "a", "image_url": "u", "slack_file": {"id": "F"}}]) == [
        "block 0 (image): needs exactly one of image_url and slack_file"]
    assert view_problems({"title": {"type": "plain_text", "text": "A title that is far too long"}, "blocks": []}) == [
        "modal title over 24 characters"]
