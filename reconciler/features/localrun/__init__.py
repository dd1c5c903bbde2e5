"""Run an action's code locally in Node: the runner, the npm cache, test cases as code."""
