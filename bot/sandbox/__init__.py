"""`qabot sandbox`: the real bot against the Slack stand-in, used from a local web page that plays Slack.

- `people`: who you can be (a QA lead, a vendor's lead, calibration participants, an outsider) and the channels.
- `clock`: the sandbox's time, which the page moves forward.
- `conversation`: channels, messages, threads, ephemerals, modals and Home tabs, read from what reached the stand-in.
- `session`: what a person does on the page, sent to the bot as Slack sends it.
- `web`: the page and its JSON API, on loopback.
"""
