"""One key per person's mailbox, so that one person signs an action once.

`Ana.Lopez+kosovo@GoogleMail.com` and `analopez@gmail.com` reach the same
inbox. Everywhere: the address is lower-cased and a "+tag" is dropped (the
common sub-addressing convention). For Gmail, which ignores dots in the
local part and answers at both of its domains, dots are dropped and
googlemail.com becomes gmail.com.
"""

GMAIL_DOMAINS = {"gmail.com", "googlemail.com"}


def mailbox_key(address):
    local, _, domain = address.strip().lower().rpartition("@")
    local = local.split("+", 1)[0]
    if domain in GMAIL_DOMAINS:
        local = local.replace(".", "")
        domain = "gmail.com"
    return f"{local}@{domain}"
