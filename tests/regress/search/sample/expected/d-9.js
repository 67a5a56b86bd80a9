morgueSearch.load("d-9","ix7ptVUsAA==",2);
