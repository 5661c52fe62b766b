#!/usr/bin/env python3
"""Prints 'N passed, N failed' for the GoogleTest cases of the last run.

Each gtest binary writes a JUnit XML file (GTEST_OUTPUT, set in
tests/meson.build) into <builddir>/test-results/; this sums them.
"""
import glob
import os
import sys
import xml.etree.ElementTree as ET

builddir = sys.argv[1] if len(sys.argv) > 1 else "build"
passed = failed = skipped = 0
for path in glob.glob(os.path.join(builddir, "test-results", "*.xml")):
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError:
        failed += 1
        continue
    for case in root.iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            failed += 1
        elif case.get("result") == "skipped" or case.find("skipped") is not None:
            skipped += 1
        else:
            passed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
