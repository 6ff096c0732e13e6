"""Deal-review documents: a PDF per deal, rule and period, attached to the opportunity as a
Salesforce File exactly once; the next period's review is a new version of the same file."""
