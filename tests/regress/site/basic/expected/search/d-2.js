morgueSearch.load("d-2","ix5pHo4FAA==",2);
