"""The TRA format core: layout tables, values, records, lines, reader, writer, scan, summary.

No network and no configuration files: everything here works on bytes and records. The public
names are re-exported by `tratool`; import them from there.
"""
