"""The use cases behind ``Project``: functions over one open transaction (a ``Tx``)."""
