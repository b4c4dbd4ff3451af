//! Account flows in Chromium (filled in by the pages work).
