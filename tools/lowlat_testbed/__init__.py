"""What the lab, molecule, the benchmarks and the tests share to stand in for a host or for AWS.

Not part of the collection (galaxy.yml ignores tools/). Tests import it as tools.lowlat_testbed;
the lab and molecule run topology_fixtures.py as a standalone script (stdlib only).
"""
