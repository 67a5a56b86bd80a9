morgueSearch.load("d-0","i44eOeEUCwA=",2);
