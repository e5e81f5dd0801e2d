"""Exports of course data for other systems; framework-free like the rest of `course`.

- ``grades``: streamed grade books in several CSV layouts.
- ``gift``, ``moodle_xml``, ``qti``: the question bank as Moodle GIFT, Moodle XML and an IMS QTI 1.2
  zip for Canvas (``to_gift``, ``to_moodle_xml``, ``to_qti_zip``); see docs/question-exports.md.
- ``cartridge`` and ``cartridge_reader``: the whole unit (lessons, readings, glossary, a quiz per
  lesson) as an IMS Common Cartridge 1.1, and a reader that checks a package; see docs/cartridge.md.
- ``formats``: the registry of question export formats.

Nothing is imported here, so loading one exporter does not load the others.
"""
