"""The central service's API: the contract (models), request signing and the client."""
