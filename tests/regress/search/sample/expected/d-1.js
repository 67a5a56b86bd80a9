morgueSearch.load("d-1","ix7tCNKoIxgLAA==",2);
