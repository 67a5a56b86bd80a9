morgueSearch.load("d-0","i44e7bMPlT57LAA=",2);
