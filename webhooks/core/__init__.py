"""What every part stands on: settings, the database and its records, phone encryption, the
process's services, metrics, strict number parsing and the text catalogues."""
