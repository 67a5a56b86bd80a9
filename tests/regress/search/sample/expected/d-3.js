morgueSearch.load("d-3","ix7prfVYAA==",2);
