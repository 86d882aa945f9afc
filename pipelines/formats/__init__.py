"""Readers for the standard formats LAs and the DfE exchange, each turning a file into the rows a
dataset's schema validates (see `sen2.py`)."""
