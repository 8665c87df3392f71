"""The access log keeps the secrets of no address (campaign/access_log.py)."""

import pytest

from campaign.access_log import redacted


@pytest.mark.parametrize(
    "path,logged",
    [
        ("/en/act/confirm/MTIz:1vFZr2:abcDEF123_xyz-987/", "/en/act/confirm/…/"),
        ("/ar/my-signatures/ImFuYUBnbWFpbC5jb20i:1vFZr2:Q9x-Zk/", "/ar/my-signatures/…/"),
        ("/fr/postcards/card/Vx3_k9QmZr2LpT7aBcD4eF6gH8iJ0kLm/image.png", "/fr/postcards/card/…/image.png"),
        ("/en/campaigns/stop-violence-against-women/stories/kosovo-trafficked-women-and-girls/", None),
        ("/static/css/site.cb4016ae6b5a.css", None),
        ("/en/act/kosovo-2004/", None),
    ],
)
def test_tokens_in_paths_are_left_out_and_slugs_kept(path, logged):
    assert redacted(path) == (logged or path)
