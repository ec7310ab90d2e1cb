"""The centre's limits that an operator may change on the command line, in one place (the
CLI's defaults and the code's read these; importing this loads nothing else)."""

REQUEST_TIMEOUT_S = 10.0  # a request's head, and each pause of its body
MAX_CONNECTIONS = 1000  # served at once; uvicorn answers 503 beyond
CERTIFICATES_PER_DAY = 5  # new certificates of one service, per resident and local day
