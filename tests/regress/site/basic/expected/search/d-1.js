morgueSearch.load("d-1","ix5NJKQnklgA",2);
