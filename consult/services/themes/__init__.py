"""Themes in the long answers: analysis (campaigns, proposed themes), the secretariat's review, exports."""
