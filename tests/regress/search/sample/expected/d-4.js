morgueSearch.load("d-4","ix7prdVYAA==",2);
