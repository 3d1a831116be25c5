"""巡察整改台账 → 整改进展情况通报与汇总表: the stages behind generate.py."""
