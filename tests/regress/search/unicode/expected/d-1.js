morgueSearch.load("d-1","i6ZEcywA",2);
