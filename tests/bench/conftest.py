# The benchmark is run by `make bench`, never collected by pytest: it times things.
collect_ignore_glob = ["*.py"]
